// Draw every Plotly figure whose JSON the server embedded next to its chart div.
//
// No modebar: its buttons are ten tab stops per chart, and the figures need none of them
// (hover still shows values). Nothing leaves the page: no "edit in Chart Studio" link either.
// Charts inside a closed <details> are drawn when it first opens (a hidden div has no width).
(function () {
  "use strict";
  const CONFIG = {
    responsive: true,
    displayModeBar: false,
    displaylogo: false,
    showSendToCloud: false,
    showEditInChartStudio: false,
    modeBarButtonsToRemove: ["sendDataToCloud"],
  };

  function chartFor(script) {
    const id = script.id.startsWith("figure-") ? "chart-" + script.id.slice(7) : "chart-" + script.id;
    return document.getElementById(id);
  }

  function drawIn(root) {
    if (!window.Plotly) return;
    for (const script of root.querySelectorAll("script[type='application/json'][id]")) {
      const target = chartFor(script);
      if (!target || target.dataset.drawn) continue;
      const closed = target.closest("details:not([open])");
      if (closed) continue;
      const figure = JSON.parse(script.textContent);
      const layout = Object.assign({}, figure.layout, { autosize: true });
      delete layout.width;
      target.dataset.drawn = "1";
      window.Plotly.newPlot(target, figure.data, layout, CONFIG);
    }
  }

  function start() {
    drawIn(document);
    for (const details of document.querySelectorAll("details")) {
      details.addEventListener("toggle", function () {
        if (details.open) drawIn(details);
      });
    }
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
