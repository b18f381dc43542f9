/* Lentera: the few behaviours the pages need, without inline scripts (strict CSP). */
(function () {
  "use strict";
  // Widths from data attributes (progress bars): inline style attributes are blocked by CSP.
  function applyWidths(root) {
    root.querySelectorAll("[data-width]").forEach(function (el) {
      var value = parseFloat(el.getAttribute("data-width"));
      if (!isNaN(value)) { el.style.width = Math.max(0, Math.min(100, value)) + "%"; }
    });
  }
  // Ask before destructive actions: <form data-confirm="...">.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute && form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) { event.preventDefault(); }
  }, true);
  document.addEventListener("DOMContentLoaded", function () { applyWidths(document); });
  document.addEventListener("htmx:afterSettle", function () { applyWidths(document); });
})();
/* Test timer: counts down and submits the test when the time is over (the server enforces it too). */
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var timer = document.querySelector("[data-seconds-left]");
    if (!timer) { return; }
    var left = parseInt(timer.getAttribute("data-seconds-left"), 10);
    var value = timer.querySelector(".test-timer-value");
    var form = document.getElementById(timer.getAttribute("data-submit-form"));
    function show() {
      var m = Math.floor(left / 60), s = left % 60;
      value.textContent = m + ":" + (s < 10 ? "0" : "") + s;
    }
    show();
    var tick = window.setInterval(function () {
      left -= 1;
      if (left <= 0) { window.clearInterval(tick); left = 0; show(); if (form) { form.removeAttribute("data-confirm"); form.submit(); } return; }
      show();
    }, 1000);
  });
})();
/* Feedback drafts: a form with data-draft-key keeps what was typed in this browser, so a reload or a
   dropped connection loses nothing; a page with data-clear-draft forgets it once the answer is in.
   Its submit button is disabled after the first tap (the server records one response anyway). */
(function () {
  "use strict";
  function store() { try { return window.localStorage; } catch (e) { return null; } }
  document.addEventListener("DOMContentLoaded", function () {
    var storage = store();
    document.querySelectorAll("[data-clear-draft]").forEach(function (el) {
      if (storage) { storage.removeItem(el.getAttribute("data-clear-draft")); }
    });
    var form = document.querySelector("form[data-draft-key]");
    if (!form) { return; }
    var key = form.getAttribute("data-draft-key");
    var saved = storage && storage.getItem(key);
    if (saved) {
      try {
        var values = JSON.parse(saved);
        Object.keys(values).forEach(function (name) {
          form.querySelectorAll("[name='" + name + "']").forEach(function (input) {
            var wanted = values[name];
            if (input.type === "radio" || input.type === "checkbox") {
              input.checked = wanted.indexOf(input.value) !== -1;
            } else if (input.type !== "hidden") {
              input.value = wanted[0] || "";
            }
          });
        });
        var note = form.querySelector("[data-draft-note]");
        if (note) { note.hidden = false; }
      } catch (e) { storage.removeItem(key); }
    }
    function save() {
      if (!storage) { return; }
      var values = {};
      new FormData(form).forEach(function (value, name) {
        if (name === "csrfmiddlewaretoken") { return; }
        (values[name] = values[name] || []).push(String(value));
      });
      storage.setItem(key, JSON.stringify(values));
    }
    form.addEventListener("change", save);
    form.addEventListener("input", save);
    form.addEventListener("submit", function () {
      form.querySelectorAll("button[type=submit]").forEach(function (button) { button.disabled = true; });
    });
  });
})();
/* Session form: the end fills in from the chosen plan's minutes and the start (data-end-from-plan),
   until the coordinator types an end of their own. The server applies the same default. */
(function () {
  "use strict";
  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function fill(form) {
    var end = form.querySelector("[data-end-from-plan]");
    var plan = form.querySelector("select[name='plan']");
    var start = form.querySelector("input[name='start']");
    if (!end || !plan || !start || end.getAttribute("data-typed") === "1") { return; }
    var option = plan.options[plan.selectedIndex];
    var minutes = option ? parseInt(option.getAttribute("data-minutes"), 10) : NaN;
    var parts = start.value.split(":");
    if (isNaN(minutes) || parts.length < 2) { return; }
    var total = (parseInt(parts[0], 10) * 60 + parseInt(parts[1], 10) + minutes) % (24 * 60);
    end.value = pad(Math.floor(total / 60)) + ":" + pad(total % 60);
  }
  document.addEventListener("input", function (event) {
    var target = event.target;
    if (!target.form) { return; }
    if (target.hasAttribute && target.hasAttribute("data-end-from-plan")) {
      target.setAttribute("data-typed", target.value ? "1" : "0");
    } else if (target.name === "plan" || target.name === "start") { fill(target.form); }
  });
  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target.form && (target.name === "plan" || target.name === "start")) { fill(target.form); }
  });
})();
