/* Active-time heartbeats for a lesson (docs/courses.md, "Credit rule").
   While the page is visible and the cadre has used keyboard, mouse, touch or scroll in the last
   60 seconds, POST a heartbeat every 30 seconds. The request carries no duration: the server
   measures the time between heartbeats itself, caps it and ignores gaps longer than its idle
   limit, so an idle or hidden tab earns nothing. */
(function () {
  "use strict";
  var host = document.querySelector("[data-heartbeat]");
  if (!host) { return; }
  var url = host.getAttribute("data-heartbeat");
  var INTERVAL = 30000, IDLE_AFTER = 60000;
  var lastActivity = Date.now();
  ["keydown", "mousemove", "mousedown", "touchstart", "scroll", "focusin"].forEach(function (name) {
    window.addEventListener(name, function () { lastActivity = Date.now(); }, { passive: true });
  });
  function csrf() {
    var match = document.cookie.match(/(?:^|; )csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }
  function beat() {
    if (document.visibilityState !== "visible" || Date.now() - lastActivity > IDLE_AFTER) { return; }
    fetch(url, { method: "POST", credentials: "same-origin", headers: { "X-CSRFToken": csrf() } });
  }
  beat();
  window.setInterval(beat, INTERVAL);
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible") { lastActivity = Date.now(); beat(); }
  });
})();
