// Draws each <canvas data-chart="ID"> from the JSON data block with that id, with the
// vendored Chart.js. The page works without it: every chart has its table beside it.
(function () {
  "use strict";
  if (typeof Chart === "undefined") { return; }
  // Colours with at least 3:1 contrast against white, told apart by more than hue alone.
  var palette = ["#1d70b8", "#00703c", "#d4351c", "#594d00", "#4c2c92", "#28a197", "#6f777b", "#f47738"];
  var reduced = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  Chart.defaults.color = "#1b1b1b";
  Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
  Chart.defaults.font.size = 14;
  document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
    var source = document.getElementById(canvas.getAttribute("data-chart"));
    if (!source) { return; }
    var spec = JSON.parse(source.textContent);
    var horizontal = !!spec.horizontal;
    var datasets = spec.datasets.map(function (set, i) {
      return { label: set.label, data: set.data, backgroundColor: palette[i % palette.length],
               borderColor: "#ffffff", borderWidth: 1 };
    });
    var box = canvas.parentElement;
    if (horizontal) {
      box.style.height = Math.max(288, spec.labels.length * 28 + 96) + "px";
    }
    new Chart(canvas, {
      type: spec.type,
      data: { labels: spec.labels, datasets: datasets },
      options: {
        indexAxis: horizontal ? "y" : "x",
        maintainAspectRatio: !horizontal,
        animation: reduced ? false : { duration: 300 },
        scales: {
          x: { stacked: !!spec.stacked, beginAtZero: true, ticks: { precision: 0 } },
          y: { stacked: !!spec.stacked, beginAtZero: true, ticks: { precision: 0 } }
        },
        plugins: { legend: { position: "bottom" } }
      }
    });
  });
})();
