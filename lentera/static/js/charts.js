/* Charts from data the page gives: <canvas data-chart="id-of-a-json_script"> with {type, labels,
   datasets: [{label, data}], max}. Colours come from the Lentera palette; no inline scripts (CSP). */
(function () {
  "use strict";
  var palette = ["#7a3e00", "#98a2b3", "#067647", "#b42318", "#1570ef", "#f79009"];
  document.addEventListener("DOMContentLoaded", function () {
    if (typeof window.Chart === "undefined") { return; }
    document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
      var source = document.getElementById(canvas.getAttribute("data-chart"));
      if (!source) { return; }
      var spec = JSON.parse(source.textContent);
      var datasets = spec.datasets.map(function (set, index) {
        var colour = palette[index % palette.length];
        return { label: set.label, data: set.data, backgroundColor: colour, borderColor: colour, spanGaps: false, tension: 0.2 };
      });
      var scales = { y: { beginAtZero: true } };
      if (spec.max) { scales.y.max = spec.max; }
      new window.Chart(canvas, {
        type: spec.type || "bar",
        data: { labels: spec.labels, datasets: datasets },
        options: { responsive: true, maintainAspectRatio: false, animation: false, scales: scales,
                   plugins: { legend: { position: "bottom" } } }
      });
    });
  });
})();
