/* The grant dashboard's history chart: data from the json_script "outcomes-history". */
(function () {
  "use strict";
  var source = document.getElementById("outcomes-history");
  var canvas = document.getElementById("outcomes-chart");
  if (!source || !canvas || typeof window.Chart === "undefined") {
    return;
  }
  var data = JSON.parse(source.textContent);
  var reduceMotion = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  new window.Chart(canvas, {
    type: "line",
    data: {
      labels: data.dates,
      datasets: [
        {
          label: data.labels.trained,
          data: data.trained,
          borderColor: "#0b4f8a",
          backgroundColor: "#0b4f8a",
          tension: 0.2,
        },
        {
          label: data.labels.placed_good_jobs,
          data: data.placed_good_jobs,
          borderColor: "#146c43",
          backgroundColor: "#146c43",
          borderDash: [6, 4],
          tension: 0.2,
        },
      ],
    },
    options: {
      maintainAspectRatio: false,
      animation: reduceMotion ? false : undefined,
      interaction: { mode: "index", intersect: false },
      scales: { y: { beginAtZero: true, ticks: { precision: 0 } } },
      plugins: { legend: { position: "bottom" } },
    },
  });
})();
