// The stand-up's meeting mode: one person at a time with a timer per person. Without this file
// the page shows everyone at once; the words come from the page's data attributes.
(function () {
  "use strict";
  var root, people, index, started, tick, minutes;

  function el(sel) { return root.querySelector(sel); }

  function show() {
    people = Array.prototype.slice.call(root.querySelectorAll("[data-person]"));
    if (!people.length) { return; }
    index = Math.max(0, Math.min(index, people.length - 1));
    people.forEach(function (p, i) { if (i === index) { p.removeAttribute("data-off"); } else { p.setAttribute("data-off", ""); } });
    el("[data-meeting-who]").textContent = people[index].getAttribute("data-person");
    el("[data-meeting-count]").textContent = (index + 1) + " " + root.getAttribute("data-of") + " " + people.length;
    started = Date.now();
    render();
  }

  function render() {
    var left = minutes * 60 - Math.floor((Date.now() - started) / 1000);
    var timer = el("[data-meeting-timer]");
    var abs = Math.abs(left);
    timer.textContent = (left < 0 ? "−" : "") + Math.floor(abs / 60) + ":" + ("0" + (abs % 60)).slice(-2);
    timer.classList.toggle("over", left < 0);
    timer.title = left < 0 ? root.getAttribute("data-over") : "";
  }

  function start() {
    var input = el("[data-meeting-minutes] input");
    minutes = Math.max(1, Math.min(15, parseInt(input && input.value, 10) || 2));
    index = 0;
    root.classList.add("in-meeting");
    el("[data-meeting-bar]").hidden = false;
    show();
    clearInterval(tick);
    tick = setInterval(render, 1000);
  }

  function stop() {
    clearInterval(tick);
    root.classList.remove("in-meeting");
    el("[data-meeting-bar]").hidden = true;
    (people || []).forEach(function (p) { p.removeAttribute("data-off"); });
  }

  document.addEventListener("DOMContentLoaded", function () {
    root = document.getElementById("standup");
    if (!root) { return; }
    el("[data-meeting-start]").hidden = false;
    el("[data-meeting-minutes]").hidden = false;
    root.addEventListener("click", function (evt) {
      var t = evt.target;
      if (t.closest("[data-meeting-start]")) { start(); }
      else if (t.closest("[data-meeting-next]")) { if (index < people.length - 1) { index += 1; show(); } else { stop(); } }
      else if (t.closest("[data-meeting-prev]")) { index -= 1; show(); }
      else if (t.closest("[data-meeting-stop]")) { stop(); }
    });
    // A note saved or a task flagged during the meeting replaces the list: keep the same person.
    document.body.addEventListener("htmx:afterSwap", function () { if (root.classList.contains("in-meeting")) { show(); } });
  });
})();
