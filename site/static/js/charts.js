/* Draws every plotly figure on the page. Figures are built server-side and handed over with
   Django's json_script: <div class="chart" data-figure="ID"> + <script type="application/json" id="ID">.
   plotly.js itself is served from our static files (vendor/plotly/plotly.min.js), never a CDN. */
(function () {
  "use strict";
  function draw() {
    document.querySelectorAll("[data-figure]").forEach(function (el) {
      var source = document.getElementById(el.getAttribute("data-figure"));
      if (!source || !window.Plotly) { return; }
      var figure = JSON.parse(source.textContent);
      var layout = Object.assign({ autosize: true, margin: { t: 40, r: 20, b: 40, l: 50 } }, figure.layout || {});
      // A figure may pass plotly config (e.g. displayModeBar: false, so a chart with role="img"
      // holds no focusable toolbar buttons).
      var config = Object.assign({ displaylogo: false, responsive: true }, figure.config || {});
      window.Plotly.newPlot(el, figure.data || [], layout, config);
      el.setAttribute("role", "img");
      if (!el.hasAttribute("aria-label") && layout.title) {
        el.setAttribute("aria-label", typeof layout.title === "string" ? layout.title : layout.title.text);
      }
    });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", draw); } else { draw(); }
})();
