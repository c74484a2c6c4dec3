// Draw every Plotly figure whose JSON the server embedded next to its chart div.
//
// No modebar: its buttons are ten tab stops per chart, and the figures need none of them
// (hover still shows values). Nothing leaves the page: no "edit in Chart Studio" link either.
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
  function draw() {
    for (const script of document.querySelectorAll("script[type='application/json'][id]")) {
      const id = script.id.startsWith("figure-") ? "chart-" + script.id.slice(7) : "chart-" + script.id;
      const target = document.getElementById(id);
      if (!target || !window.Plotly) continue;
      const figure = JSON.parse(script.textContent);
      const layout = Object.assign({}, figure.layout, { autosize: true });
      delete layout.width;
      window.Plotly.newPlot(target, figure.data, layout, CONFIG);
    }
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw);
  else draw();
})();
