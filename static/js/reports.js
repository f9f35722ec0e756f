// Rollup pages: the print button of the quarter review (no inline handlers under the CSP), and
// opening every <details> before printing so the printed drill-down is complete.
(function () {
  "use strict";
  document.addEventListener("click", function (evt) {
    var target = evt.target.closest("[data-print]");
    if (!target) return;
    evt.preventDefault();
    window.print();
  });
  window.addEventListener("beforeprint", function () {
    document.querySelectorAll("details.node").forEach(function (d) { d.open = true; });
  });
})();
