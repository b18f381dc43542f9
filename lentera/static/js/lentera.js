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
