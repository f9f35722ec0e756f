// My week: drag and drop between quadrants (SortableJS), and keeping keyboard focus on the card
// a button moved. Every move saves at once; a failed save puts the card back and says why.
// The weekly report loads it too, for its Print button.
(function () {
  "use strict";

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }

  // The page gives the words (data-* on #request-error and #board, in the page's language).
  function showError(text, reload) {
    var box = document.getElementById("request-error");
    if (!box) { window.alert(text); return; }
    box.textContent = text;
    if (reload) {
      // Someone else changed the task first: the board is out of date, reloading it is the way on.
      var button = document.createElement("button");
      button.type = "button";
      button.className = "primary";
      button.textContent = box.dataset.reload || "";
      button.addEventListener("click", function () { window.location.reload(); });
      box.appendChild(document.createTextNode(" "));
      box.appendChild(button);
    }
    box.hidden = false;
    box.scrollIntoView({ block: "nearest" });
  }

  function hideError() {
    var box = document.getElementById("request-error");
    if (box) box.hidden = true;
  }

  function messageFrom(status, text) {
    try {
      var data = JSON.parse(text);
      if (data && data.error) return data.error;
    } catch (e) { /* an HTML fragment */ }
    var tmp = document.createElement("div");
    tmp.innerHTML = text || "";
    var found = tmp.querySelector(".error-message p, .field-error, .flash-error, p");
    return (found && found.textContent.trim()) || ("HTTP " + status);
  }

  function replaceBoard(html) {
    var tmp = document.createElement("div");
    tmp.innerHTML = html;
    var fresh = tmp.querySelector("#board");
    var old = document.getElementById("board");
    if (!fresh || !old) return null;
    old.replaceWith(fresh);
    if (window.htmx) window.htmx.process(fresh);
    setUp(fresh);
    return fresh;
  }

  function putBack(evt) {
    var item = evt.item;
    item.remove();
    var ref = evt.from.children[evt.oldIndex] || null;
    evt.from.insertBefore(item, ref);
  }

  function save(evt) {
    var item = evt.item;
    var quadrant = evt.to.getAttribute("data-quadrant");
    if (evt.from === evt.to && evt.oldIndex === evt.newIndex) return;
    var body = new FormData();
    body.append("csrf_token", csrfToken());
    body.append("version", item.getAttribute("data-version"));
    body.append("quadrant", quadrant);
    body.append("index", String(evt.newIndex));
    var board = document.getElementById("board");
    if (board) board.classList.add("htmx-request");
    hideError();
    fetch(item.getAttribute("data-move-url"), {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken(), "HX-Request": "true" },
      body: body
    }).then(function (resp) {
      return resp.text().then(function (text) { return { ok: resp.ok, status: resp.status, text: text }; });
    }).then(function (r) {
      if (board) board.classList.remove("htmx-request");
      if (!r.ok) {
        putBack(evt);
        showError(messageFrom(r.status, r.text), r.status === 409);
        return;
      }
      var fresh = replaceBoard(r.text);
      var card = fresh && fresh.querySelector("#task-" + item.getAttribute("data-id"));
      if (card) card.focus();
    }).catch(function () {
      if (board) board.classList.remove("htmx-request");
      putBack(evt);
      showError((board && board.dataset.offline) || "");
    });
  }

  function setUp(root) {
    if (!window.Sortable || !root) return;
    root.querySelectorAll("ol.cards[data-quadrant]").forEach(function (list) {
      if (list._sortable) return;
      list._sortable = window.Sortable.create(list, {
        group: "week-board",
        animation: 120,
        delay: 200,
        delayOnTouchOnly: true, // on a phone a short press scrolls, a long press drags
        draggable: "li[data-editable]",
        filter: "button, select, input, summary, label, .menu-body",
        preventOnFilter: false,
        onEnd: save
      });
    });
  }

  // Keyboard moves go through htmx forms; after the board is swapped, put focus back on the
  // same control of the same card (or on the card), so the person can keep moving it.
  var pending = null;
  document.addEventListener("htmx:beforeRequest", function (evt) {
    var elt = evt.detail.elt;
    var card = elt && elt.closest ? elt.closest("li.task") : null;
    var submitter = document.activeElement;
    pending = card ? { id: card.id, action: submitter && submitter.getAttribute ? submitter.getAttribute("data-action") : null } : null;
  });

  document.addEventListener("htmx:afterSettle", function (evt) {
    var board = document.getElementById("board");
    if (!board) return;
    setUp(board);
    if (!pending) return;
    var card = document.getElementById(pending.id);
    var target = null;
    if (card) {
      if (pending.action) target = card.querySelector('[data-action="' + pending.action + '"]');
      if (!target && pending.action && pending.action.indexOf("move") === 0) target = card.querySelector('[data-action="move-menu"]');
      target = target || card;
    } else {
      target = document.getElementById("board-status");
      if (target) target.setAttribute("tabindex", "-1");
    }
    pending = null;
    if (!target) return;
    var menu = target.closest ? target.closest("details") : null;
    if (menu && target.tagName !== "SUMMARY") menu.open = true;
    target.focus();
  });

  document.addEventListener("DOMContentLoaded", function () {
    setUp(document.getElementById("board"));
  });

  // The weekly report's Print button (no inline handlers under the Content-Security-Policy).
  document.addEventListener("click", function (evt) {
    var target = evt.target.closest ? evt.target.closest("[data-print]") : null;
    if (!target) return;
    evt.preventDefault();
    window.print();
  });
})();
