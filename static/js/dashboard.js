/* The grant dashboard: opens the breakdowns on a wide screen (a phone shows the summary first,
   the tables folded), and draws each chart from its json_script data when its section opens.
   The tables beside the charts hold the same figures and stay the accessible source. */
(function () {
  "use strict";
  var wide = window.matchMedia ? window.matchMedia("(min-width: 992px)").matches : true;
  var reduceMotion = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  var colors = ["#0b4f8a", "#146c43", "#9a3412", "#6f42c1"];

  function data(id) {
    var source = document.getElementById(id);
    return source ? JSON.parse(source.textContent) : null;
  }

  function historyChart(canvas) {
    var d = data("outcomes-history");
    if (!d) {
      return;
    }
    new window.Chart(canvas, {
      type: "line",
      data: {
        labels: d.dates,
        datasets: [
          { label: d.labels.trained, data: d.trained, borderColor: colors[0], backgroundColor: colors[0], tension: 0.2 },
          {
            label: d.labels.placed_good_jobs,
            data: d.placed_good_jobs,
            borderColor: colors[1],
            backgroundColor: colors[1],
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
  }

  function barChart(canvas) {
    var d = data(canvas.getAttribute("data-chart"));
    if (!d) {
      return;
    }
    var box = canvas.parentElement;
    // One band per row, so long lists stay readable (set from script: the CSP allows no style attribute).
    box.style.height = Math.max(12, 3 + d.labels.length * (1 + d.datasets.length * 0.9)) + "rem";
    var value = {
      beginAtZero: true,
      ticks: d.percent
        ? {
            callback: function (v) {
              return v + "%";
            },
          }
        : { precision: 0 },
    };
    if (d.percent) {
      value.suggestedMax = 100;
    }
    new window.Chart(canvas, {
      type: "bar",
      data: {
        labels: d.labels,
        datasets: d.datasets.map(function (set, i) {
          return { label: set.label, data: set.data, backgroundColor: colors[i % colors.length] };
        }),
      },
      options: {
        indexAxis: "y",
        maintainAspectRatio: false,
        animation: reduceMotion ? false : undefined,
        scales: {
          x: value,
          y: {
            ticks: {
              autoSkip: false,
              // A long name is shortened on the axis; the tooltip and the table give it whole.
              callback: function (index) {
                var label = String(d.labels[index]);
                return label.length > 32 ? label.slice(0, 31) + "…" : label;
              },
            },
          },
        },
        plugins: {
          legend: { display: d.datasets.length > 1, position: "bottom" },
          tooltip: {
            callbacks: {
              title: function (items) {
                return items.length ? String(d.labels[items[0].dataIndex]) : "";
              },
              label: function (item) {
                var v = item.raw === null ? "—" : item.raw + (d.percent ? "%" : "");
                return item.dataset.label + ": " + v;
              },
            },
          },
        },
      },
    });
  }

  function draw(root) {
    if (typeof window.Chart === "undefined") {
      return;
    }
    root.querySelectorAll("canvas").forEach(function (canvas) {
      if (canvas.getAttribute("data-drawn")) {
        return;
      }
      canvas.setAttribute("data-drawn", "1");
      if (canvas.id === "outcomes-chart") {
        historyChart(canvas);
      } else if (canvas.hasAttribute("data-chart")) {
        barChart(canvas);
      }
    });
  }

  document.querySelectorAll("details[data-open-wide]").forEach(function (details) {
    details.addEventListener("toggle", function () {
      if (details.open) {
        draw(details);
      }
    });
    if (wide) {
      details.open = true;
    } else if (details.open) {
      draw(details);
    }
  });
})();
