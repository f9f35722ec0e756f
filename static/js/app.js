// The app's own script: CSRF for htmx, visible errors for failed requests, nothing else global.
// Loaded as a file because the Content-Security-Policy allows no inline script.
(function () {
  "use strict";

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }

  function setCsrfToken(token) {
    var meta = document.querySelector('meta[name="csrf-token"]');
    if (meta) meta.setAttribute("content", token);
    document.querySelectorAll('input[name="csrf_token"]').forEach(function (input) { input.value = token; });
  }

  function errorBox() { return document.getElementById("request-error"); }

  // Words come from the page (data-* on #request-error, rendered in the page's language).
  function word(name) { var box = errorBox(); return (box && box.dataset[name]) || ""; }

  function addButton(box, text, onClick) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "primary";
    button.textContent = text;
    button.addEventListener("click", onClick);
    box.appendChild(document.createTextNode(" "));
    box.appendChild(button);
  }

  // retry: a function offered as "Try again"; reload: offer "Reload" (someone else saved first,
  // so the page shows an old version: reloading it is the way on).
  function showError(text, retry, reload) {
    var box = errorBox();
    if (!box) { window.alert(text); return; }
    box.textContent = text;
    // A refused stale edit stays on screen until the page is reloaded: later background requests
    // (the SMART panel, a poll) do not resolve it, so they must not hide it.
    box.dataset.sticky = reload ? "1" : "";
    if (retry) addButton(box, word("retry"), function () { box.hidden = true; retry(); });
    if (reload) addButton(box, word("reload"), function () { window.location.reload(); });
    box.hidden = false;
    box.scrollIntoView({ block: "nearest" });
  }

  function messageFrom(xhr) {
    try {
      var data = JSON.parse(xhr.responseText);
      if (data && data.error) return data.error;
    } catch (e) { /* not JSON: an HTML error fragment */ }
    var tmp = document.createElement("div");
    tmp.innerHTML = xhr.responseText || "";
    var found = tmp.querySelector(".error-message p, .flash-error, p");
    return (found && found.textContent.trim()) || ("HTTP " + xhr.status);
  }

  document.addEventListener("htmx:configRequest", function (evt) {
    evt.detail.headers["X-CSRFToken"] = csrfToken();
  });

  document.addEventListener("htmx:beforeRequest", function () {
    var box = errorBox();
    if (box && !box.dataset.sticky) box.hidden = true;
  });

  // A 409 that names its own target (HX-Retarget) carries the edit form again with both
  // versions and the person's typed text: swap it in place instead of only showing a message.
  document.addEventListener("htmx:beforeSwap", function (evt) {
    var xhr = evt.detail.xhr;
    if (xhr.status === 409 && xhr.getResponseHeader("HX-Retarget")) {
      evt.detail.shouldSwap = true;
      evt.detail.isError = false;
    }
  });

  // htmx ignores 4xx/5xx by default: say what happened, keep what was typed, offer a retry.
  document.addEventListener("htmx:responseError", function (evt) {
    var xhr = evt.detail.xhr;
    var elt = evt.detail.elt;
    var retry = function () { htmx.trigger(elt, elt.getAttribute("hx-trigger") ? elt.getAttribute("hx-trigger").split(/[ ,]/)[0] : (elt.tagName === "FORM" ? "submit" : "click")); };
    var refresh = xhr.status === 400 && xhr.getResponseHeader("X-CSRF-Refresh");
    if (refresh) {
      // The CSRF token expired or went missing (a new session, a page left open): the refusal
      // names where a fresh one is; fetch it first, then offer the retry with the typed values.
      fetch(refresh, { credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(function (r) { if (!r.ok) throw new Error("HTTP " + r.status); return r.json(); })
        .then(function (data) {
          setCsrfToken(data.csrf_token);
          showError(messageFrom(xhr), retry);
        })
        .catch(function () { showError(messageFrom(xhr), null); });
      return;
    }
    if (xhr.status === 401) { window.location.reload(); return; }
    showError(messageFrom(xhr), xhr.status >= 500 || xhr.status === 429 ? retry : null, xhr.status === 409);
  });

  document.addEventListener("htmx:sendError", function () {
    showError(word("offline"), null);
  });

  // Cancel on a form opened in place (data-cancel): an Add form inside <details> is cleared and
  // closed; data-cancel="id" empties that panel. Without JavaScript the link goes back to the page.
  document.addEventListener("click", function (evt) {
    var link = evt.target.closest ? evt.target.closest("a[data-cancel]") : null;
    if (!link) return;
    var panelId = link.getAttribute("data-cancel");
    var panel = panelId ? document.getElementById(panelId) : null;
    var details = panel ? null : link.closest("details");
    if (!panel && !details) return;
    evt.preventDefault();
    if (panel) {
      panel.replaceChildren();
      panel.className = "";
      return;
    }
    var form = link.closest("form");
    if (form) form.reset();
    details.open = false;
    var summary = details.querySelector("summary");
    if (summary) summary.focus();
  });

  // Forms that ask for confirmation carry data-confirm (no inline onclick under the CSP).
  document.addEventListener("submit", function (evt) {
    var form = evt.target;
    if (form.dataset && form.dataset.confirm && !window.confirm(form.dataset.confirm)) evt.preventDefault();
  }, true);
})();
