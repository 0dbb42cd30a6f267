/* /reports: draw each tab's chart from the series the server put in #report-charts.
   Amounts come as decimal strings; they become numbers only to be plotted. Every figure a
   reader sees in a tooltip or a legend comes written by the server (`tips`, `total_text`);
   the axes are Chart.js's own numbers in Indian grouping (locale en-IN). Needs only Chart. */
"use strict";

(() => {
  const data = JSON.parse(document.getElementById("report-charts").textContent);
  const COLOURS = ["#0f766e", "#b45309", "#7c3aed", "#be123c", "#2563eb", "#4d7c0f", "#64748b", "#c2410c"];

  const amounts = (values) => values.map((value) => Number(value));
  const rupeeAxis = { title: { display: true, text: "₹" } };
  const rupeeTooltip = {
    callbacks: {
      label: (item) => `${item.dataset.label ? item.dataset.label + ": " : ""}${item.dataset.tips[item.dataIndex]}`,
    },
  };

  function bars(labels, datasets, { stacked = false, rupees = true, legend = true } = {}) {
    return {
      type: "bar",
      data: {
        labels,
        datasets: datasets.map((set, index) => ({ backgroundColor: COLOURS[index % COLOURS.length], ...set })),
      },
      options: {
        locale: "en-IN",
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        scales: {
          x: { stacked },
          y: { stacked, beginAtZero: true, ...(rupees ? rupeeAxis : { ticks: { precision: 0 } }) },
        },
        plugins: { legend: { display: legend, position: "bottom" }, tooltip: rupees ? rupeeTooltip : {} },
      },
    };
  }

  const kindSets = (series) => series.datasets.map((set) => ({ label: set.label, data: amounts(set.data), tips: set.tips }));

  const CHARTS = {
    liability: (c) => bars(c.labels, [{
      label: `Value held (total ${c.total_text})`, data: amounts(c.values), tips: c.values_tips,
      backgroundColor: c.labels.map((_, index) => COLOURS[index % COLOURS.length]),
    }], { legend: false }),
    forecast: (c) => bars(c.labels, kindSets(c), { stacked: true }),
    package_sales: (c) => bars(c.labels, kindSets(c), { stacked: true }),
    redemptions: (c) => bars(c.labels, [
      { label: "Sold", data: amounts(c.sold), tips: c.sold_tips },
      { label: "Redeemed", data: amounts(c.redeemed), tips: c.redeemed_tips },
    ]),
    breakage: (c) => bars(c.labels, [{ label: "Expired unused", data: amounts(c.values), tips: c.values_tips, backgroundColor: COLOURS[3] }]),
    expiring: (c) => bars(c.labels, [{ label: "Packages", data: amounts(c.values) }], { rupees: false, legend: false }),
    /* Opening and closing stand on the axis; each movement floats from where the one before ended. */
    rollforward: (c) => {
      const colour = { total: COLOURS[4], up: COLOURS[0], down: COLOURS[3] };
      const chart = bars(c.labels, [{
        label: "Value held", data: c.ranges.map(([start, end]) => [Number(start), Number(end)]), tips: c.values_tips,
        backgroundColor: c.kinds.map((kind) => colour[kind]),
      }], { legend: false });
      chart.options.scales.y.beginAtZero = false;
      return chart;
    },
    inter_branch: (c) => bars(c.labels, [{ label: "Value released", data: amounts(c.values), tips: c.values_tips }], { legend: false }),
    day_close: (c) => bars(c.labels, [{ label: "Collected", data: amounts(c.values), tips: c.values_tips }], { legend: false }),
  };

  /* Draw the charts of a pane the first time it is shown: a hidden canvas has no size. */
  function draw(pane) {
    pane.querySelectorAll("canvas[data-chart]").forEach((canvas) => {
      if (Chart.getChart(canvas)) return;
      const key = canvas.dataset.chart;
      new Chart(canvas, CHARTS[key](data[key]));
    });
  }

  document.querySelectorAll("#report-tabs [data-bs-toggle=tab]").forEach((button) => {
    button.addEventListener("shown.bs.tab", () => {
      draw(document.querySelector(button.dataset.bsTarget));
      const url = new URL(window.location.href);
      url.searchParams.set("tab", button.dataset.report);
      window.history.replaceState(null, "", url);
    });
  });
  const active = document.querySelector(".tab-content > .tab-pane.active");
  if (active) draw(active);
})();
