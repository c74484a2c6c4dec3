// Draw every Plotly figure whose JSON the server embedded next to its chart div.
(function () {
  "use strict";
  function draw() {
    for (const script of document.querySelectorAll("script[type='application/json'][id]")) {
      const id = script.id.startsWith("figure-") ? "chart-" + script.id.slice(7) : "chart-" + script.id;
      const target = document.getElementById(id);
      if (!target || !window.Plotly) continue;
      const figure = JSON.parse(script.textContent);
      window.Plotly.newPlot(target, figure.data, figure.layout, { responsive: true, displaylogo: false });
    }
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw);
  else draw();
})();
