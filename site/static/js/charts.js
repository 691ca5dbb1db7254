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
      // A figure may pass plotly config (e.g. displayModeBar: false).
      var config = Object.assign({ displaylogo: false, responsive: true }, figure.config || {});
      window.Plotly.newPlot(el, figure.data || [], layout, config);
      // "figure", not "img": plotly's hover and toolbar controls live inside, and an img's
      // children are presentational (axe: nested-interactive).
      el.setAttribute("role", "figure");
      // Heat maps with data-drill: a click on a cell opens the unit it describes (the table
      // beside the chart has the same links, for keyboard and screen-reader users).
      if (el.hasAttribute("data-drill") && el.on) {
        el.on("plotly_click", function (event) {
          var url = event.points && event.points[0] && event.points[0].customdata;
          if (url && url.charAt(0) === "/") { window.location.assign(url); }
        });
      }
      if (!el.hasAttribute("aria-label") && layout.title) {
        el.setAttribute("aria-label", typeof layout.title === "string" ? layout.title : layout.title.text);
      }
    });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", draw); } else { draw(); }
})();
