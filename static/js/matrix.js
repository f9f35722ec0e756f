// The RACI matrix: a small letter menu per cell, keyboard editing (R A C I, Delete, arrows), and
// a 409 that still shows the row as it now stands. Without this script a cell click cycles.
(function () {
  "use strict";

  var LETTERS = ["R", "A", "A/R", "C", "I", ""];
  var menu = null;
  var menuCell = null;
  var pendingFocus = null;
  var busy = false;

  function names() {
    var table = document.querySelector("table.raci-matrix");
    try { return JSON.parse(table.getAttribute("data-letter-names")); } catch (e) { return {}; }
  }

  function buildMenu() {
    if (menu) return menu;
    menu = document.createElement("div");
    menu.className = "raci-menu";
    menu.setAttribute("role", "menu");
    menu.hidden = true;
    var labels = names();
    LETTERS.forEach(function (letter) {
      var b = document.createElement("button");
      b.type = "button";
      b.setAttribute("role", "menuitem");
      b.dataset.letter = letter;
      b.textContent = letter || "—";
      b.title = labels[letter || "none"] || letter;
      b.setAttribute("aria-label", b.title);
      menu.appendChild(b);
    });
    menu.addEventListener("click", function (evt) {
      var b = evt.target.closest("button[data-letter]");
      if (!b || !menuCell) return;
      var cell = menuCell;
      closeMenu(false);
      send(cell, b.dataset.letter);
    });
    menu.addEventListener("keydown", function (evt) {
      var items = Array.prototype.slice.call(menu.querySelectorAll("button"));
      var i = items.indexOf(document.activeElement);
      if (evt.key === "ArrowRight" || evt.key === "ArrowDown") { items[(i + 1) % items.length].focus(); evt.preventDefault(); }
      else if (evt.key === "ArrowLeft" || evt.key === "ArrowUp") { items[(i - 1 + items.length) % items.length].focus(); evt.preventDefault(); }
      else if (evt.key === "Escape" || evt.key === "Tab") { closeMenu(true); evt.preventDefault(); }
      else {
        var k = evt.key.toUpperCase();
        if (LETTERS.indexOf(k) >= 0 && k && menuCell) { var cell = menuCell; closeMenu(false); send(cell, k); evt.preventDefault(); }
      }
    });
    document.body.appendChild(menu);
    return menu;
  }

  function openMenu(cell) {
    buildMenu();
    menuCell = cell;
    var r = cell.getBoundingClientRect();
    menu.style.left = (window.scrollX + r.left) + "px";
    menu.style.top = (window.scrollY + r.bottom + 2) + "px";
    menu.hidden = false;
    var current = cell.dataset.letter || "";
    var target = null;
    menu.querySelectorAll("button").forEach(function (b) {
      b.classList.toggle("current", b.dataset.letter === current);
      if (b.dataset.letter === current) target = b;
    });
    (target || menu.querySelector("button")).focus();
  }

  function closeMenu(refocus) {
    if (!menu || menu.hidden) return;
    menu.hidden = true;
    if (refocus && menuCell) menuCell.focus();
    menuCell = null;
  }

  function send(cell, letter) {
    if (busy) return;
    var form = cell.form;
    if (!form || !window.htmx) { cell.click(); return; }
    var draft = document.getElementById("raci-draft");
    pendingFocus = cell.dataset.cell;
    busy = true;
    var done = function () { busy = false; };
    window.htmx.ajax("POST", form.getAttribute("action"), {
      source: cell,
      target: "#matrix_body",
      swap: "outerHTML",
      values: { op: "set", letter: letter, user_id: cell.value, draft: draft && draft.checked ? "y" : "" }
    }).then(done, done);
  }

  function cells() { return Array.prototype.slice.call(document.querySelectorAll("button.raci-cell")); }

  function move(cell, dx, dy) {
    var row = cell.closest("tr");
    var rowCells = Array.prototype.slice.call(row.querySelectorAll("button.raci-cell"));
    var col = rowCells.indexOf(cell);
    if (dx) {
      var next = rowCells[col + dx];
      if (next) next.focus();
      return;
    }
    var rows = Array.prototype.slice.call(document.querySelectorAll("table.raci-matrix tr.raci-row"));
    var i = rows.indexOf(row) + dy;
    while (i >= 0 && i < rows.length) {
      var target = rows[i].querySelectorAll("button.raci-cell")[col];
      if (target) { target.focus(); return; }
      i += dy;
    }
  }

  document.addEventListener("click", function (evt) {
    var cell = evt.target.closest ? evt.target.closest("button.raci-cell") : null;
    if (cell) {
      evt.preventDefault();
      if (menu && !menu.hidden && menuCell === cell) { closeMenu(true); return; }
      openMenu(cell);
      return;
    }
    if (menu && !menu.hidden && !menu.contains(evt.target)) closeMenu(false);
    var printer = evt.target.closest ? evt.target.closest("[data-print]") : null;
    if (printer) { evt.preventDefault(); window.print(); }
  });

  document.addEventListener("keydown", function (evt) {
    var cell = evt.target.closest ? evt.target.closest("button.raci-cell") : null;
    if (!cell || evt.ctrlKey || evt.metaKey || evt.altKey) return;
    var key = evt.key;
    if (key.length === 1 && "RACIraci".indexOf(key) >= 0) { evt.preventDefault(); send(cell, key.toUpperCase()); }
    else if (key === "Delete" || key === "Backspace" || key === "-" || key === "0") { evt.preventDefault(); send(cell, ""); }
    else if (key === "ArrowRight") { evt.preventDefault(); move(cell, 1, 0); }
    else if (key === "ArrowLeft") { evt.preventDefault(); move(cell, -1, 0); }
    else if (key === "ArrowDown") { evt.preventDefault(); move(cell, 0, 1); }
    else if (key === "ArrowUp") { evt.preventDefault(); move(cell, 0, -1); }
  });

  // A 409 (someone else saved the row first) still swaps: the row shows their letters and why
  // ours was not saved, and the page's error box says it too (the cell that sent the request is
  // replaced by the swap, so the usual error event would never reach the page).
  var conflictMessage = null;
  document.addEventListener("htmx:beforeSwap", function (evt) {
    var target = evt.detail.target;
    if (evt.detail.xhr.status === 409 && target && target.id === "matrix_body") {
      evt.detail.shouldSwap = true;
      evt.detail.isError = false;
      var tmp = document.createElement("template");
      tmp.innerHTML = evt.detail.xhr.responseText || "";
      var note = tmp.content.querySelector(".raci-note-conflict p");
      conflictMessage = note ? note.textContent.trim() : "HTTP 409";
    }
  });

  document.addEventListener("htmx:afterSettle", function () {
    if (conflictMessage) {
      var box = document.getElementById("request-error");
      if (box) { box.textContent = conflictMessage; box.hidden = false; }
      conflictMessage = null;
    }
    if (!pendingFocus) return;
    var found = cells().filter(function (c) { return c.dataset.cell === pendingFocus; })[0];
    pendingFocus = null;
    if (found) found.focus();
  });

  document.addEventListener("change", function (evt) {
    if (evt.target.matches && evt.target.matches("[data-team-switch-select]")) window.location.assign(evt.target.value);
  });
})();
