// Draws the claim page's plots from the JSON data block the server rendered (no inline script).
(function () {
  var block = document.getElementById("chart-data");
  if (!block || !window.Plotly) { return; }
  var charts = JSON.parse(block.textContent);
  var config = { displayModeBar: false, responsive: true };
  Object.keys(charts).forEach(function (id) {
    var target = document.getElementById(id);
    if (target) { window.Plotly.newPlot(target, charts[id].data, charts[id].layout, config); }
  });
})();
