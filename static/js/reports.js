// Rollup pages: the print button of the quarter review (no inline handlers under the CSP), and
// opening every <details> before printing so the printed drill-down is complete; a clicked or
// focused figure's explanation opens next to it (a popover; a sheet at the bottom of a phone's
// screen), Esc or Close puts it away and focus returns to the figure; present mode.
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

  // --- explanations in place -------------------------------------------------------------
  var opener = null;

  function panel() { return document.getElementById("explain-panel"); }

  function place(p, from) {
    var margin = 8, vw = window.innerWidth, vh = window.innerHeight;
    p.classList.add("popped");
    p.querySelector("[data-explain-close]").hidden = false;
    if (vw < 640 || !from) {
      p.classList.add("sheet");
      p.style.left = ""; p.style.top = "";
      return;
    }
    p.classList.remove("sheet");
    var r = from.getBoundingClientRect();
    var w = p.offsetWidth, h = p.offsetHeight;
    var left = Math.min(Math.max(margin, r.left), vw - w - margin);
    var top = r.bottom + margin;
    if (top + h > vh - margin) top = Math.max(margin, r.top - h - margin);
    if (top + h > vh - margin) top = Math.max(margin, vh - h - margin);
    p.style.left = left + "px";
    p.style.top = top + "px";
  }

  function close() {
    var p = panel();
    if (!p || !p.classList.contains("popped")) return;
    p.classList.remove("popped", "sheet");
    p.style.left = ""; p.style.top = "";
    p.querySelector("[data-explain-close]").hidden = true;
    if (opener && document.contains(opener)) opener.focus();
    opener = null;
  }

  document.addEventListener("htmx:beforeRequest", function (evt) {
    var elt = evt.detail.elt;
    if (elt && elt.getAttribute && elt.getAttribute("hx-target") === "#explain") opener = elt;
  });
  document.addEventListener("htmx:afterSwap", function (evt) {
    var p = panel();
    if (!p || evt.detail.target.id !== "explain") return;
    place(p, opener);
    p.focus({ preventScroll: true });
  });
  document.addEventListener("click", function (evt) {
    if (evt.target.closest("[data-explain-close]")) { close(); return; }
    var p = panel();
    if (p && p.classList.contains("popped") && !p.contains(evt.target) && !evt.target.closest("[hx-target='#explain']")) close();
  });
  document.addEventListener("keydown", function (evt) {
    if (evt.key === "Escape") close();
  });
  // A figure reached with the keyboard opens on Enter, as a link does; focus alone only shows
  // the formula (its title) so tabbing through a page does not open a popover at every stop.

  // --- present mode: one team per screen, moved with the arrow keys ------------------------
  var present = document.querySelector("[data-present]");
  if (present) {
    var slides = Array.prototype.slice.call(document.querySelectorAll(".present-slide"));
    var at = 0;
    var show = function (i) {
      at = Math.max(0, Math.min(slides.length - 1, i));
      slides.forEach(function (s, k) { s.hidden = k !== at; });
      var counter = document.querySelector("[data-present-counter]");
      if (counter) counter.textContent = (at + 1) + " / " + slides.length;
      if (slides[at]) slides[at].focus({ preventScroll: true });
    };
    document.addEventListener("keydown", function (evt) {
      if (evt.key === "ArrowRight" || evt.key === "PageDown" || evt.key === " ") { evt.preventDefault(); show(at + 1); }
      if (evt.key === "ArrowLeft" || evt.key === "PageUp") { evt.preventDefault(); show(at - 1); }
      if (evt.key === "Home") show(0);
      if (evt.key === "End") show(slides.length - 1);
    });
    document.addEventListener("click", function (evt) {
      var b = evt.target.closest("[data-present-step]");
      if (b) show(at + parseInt(b.getAttribute("data-present-step"), 10));
    });
    show(0);
  }
})();
