/* Site-wide behaviour, loaded on every page. No inline scripts anywhere (strict CSP). */
(function () {
  "use strict";

  // Progress bars for background jobs: <div data-job-progress data-url="…">.
  function pollJob(el) {
    var bar = el.querySelector("progress");
    var status = el.querySelector("[role=status]");
    var url = el.getAttribute("data-url");
    function tick() {
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
        .then(function (job) {
          bar.value = job.percent;
          bar.textContent = job.percent + "%";
          status.textContent = job.status_label + " · " + job.percent + "%" + (job.message ? " · " + job.message : "");
          if (job.finished) {
            el.dispatchEvent(new CustomEvent("job:finished", { bubbles: true, detail: job }));
            var next = el.getAttribute("data-on-done");
            if (next === "reload") { window.location.reload(); }
            else if (next) { window.location.assign(next); }
          } else {
            window.setTimeout(tick, 1000);
          }
        })
        .catch(function () { window.setTimeout(tick, 3000); });
    }
    tick();
  }

  document.querySelectorAll("[data-job-progress]").forEach(function (el) {
    var finished = el.querySelector("progress").value >= 100;
    if (!finished) { pollJob(el); }
  });

  // Buttons that ask for confirmation: <button data-confirm="…">.
  document.addEventListener("click", function (event) {
    var target = event.target.closest("[data-confirm]");
    if (target && !window.confirm(target.getAttribute("data-confirm"))) {
      event.preventDefault();
    }
  });
})();
