/* Library indicators: the line chart of the last 24 months, and marking the cells a save refused.
   Loaded by impact/indicators.html after Chart.js; no inline script (strict CSP). */
(function () {
  "use strict";
  var chart = null;
  var data = null;

  function draw(field) {
    var canvas = document.getElementById("indicator-chart");
    if (!canvas || !data || typeof window.Chart === "undefined") { return; }
    var values = data.series[field] || [];
    var label = data.labels[field] || field;
    if (chart) {
      chart.data.datasets[0].data = values;
      chart.data.datasets[0].label = label;
      chart.update();
      return;
    }
    var format = new Intl.NumberFormat(data.locale || "id");
    chart = new window.Chart(canvas, {
      type: "line",
      data: {
        labels: data.month_labels,
        datasets: [{ label: label, data: values, borderColor: "#9a4a12", backgroundColor: "#9a4a12", tension: 0.2, spanGaps: false, pointRadius: 3 }]
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        scales: { y: { beginAtZero: true, ticks: { callback: function (v) { return format.format(v); } } } },
        plugins: {
          legend: { display: false },
          tooltip: { callbacks: { label: function (item) { return label + ": " + format.format(item.parsed.y); } } }
        }
      }
    });
  }

  function current() {
    var select = document.getElementById("chart-indicator");
    return select ? select.value : "visits";
  }

  document.addEventListener("DOMContentLoaded", function () {
    var source = document.getElementById("indicator-chart-data");
    if (!source) { return; }
    data = JSON.parse(source.textContent);
    draw(current());
    var select = document.getElementById("chart-indicator");
    if (select) { select.addEventListener("change", function () { draw(select.value); }); }
  });

  // After a cell is saved: mark refused cells (aria-invalid) and follow the saved figures in the chart.
  document.addEventListener("htmx:afterSwap", function (event) {
    var state = event.detail.target;
    if (!state || !state.classList || !state.classList.contains("save-state")) { return; }
    var row = state.closest("tr");
    var reply = state.firstElementChild;
    if (!row || !reply) { return; }
    var invalid = (reply.getAttribute("data-invalid") || "").split(" ").filter(Boolean);
    var valid = (reply.getAttribute("data-valid") || "").split(" ").filter(Boolean);
    invalid.forEach(function (name) {
      var input = row.querySelector("input[name='" + name + "']");
      if (input) { input.classList.add("is-invalid"); input.setAttribute("aria-invalid", "true"); }
    });
    valid.forEach(function (name) {
      var input = row.querySelector("input[name='" + name + "']");
      if (!input) { return; }
      input.classList.remove("is-invalid");
      input.removeAttribute("aria-invalid");
      if (!data) { return; }
      var index = data.months.indexOf(row.getAttribute("data-month"));
      if (index < 0) { return; }
      var digits = input.value.replace(/[.,\s\u00a0]/g, "");
      data.series[name][index] = digits === "" ? null : parseInt(digits, 10);
      if (name === current()) { draw(name); }
    });
  });
})();
