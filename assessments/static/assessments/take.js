/* Taking an assessment: autosave answers as they change, and show the time left.
   Everything works without this script (the page's buttons save and submit); the server
   enforces the deadline whatever the countdown says. */
(function () {
  "use strict";
  var status = document.querySelector(".take-status");

  function say(text) {
    if (status) { status.textContent = text; }
  }

  var form = document.querySelector("form[data-autosave]");
  if (form && window.fetch && window.FormData) {
    var url = form.getAttribute("data-autosave");
    var timer = null;
    var save = function () {
      var data = new FormData(form);
      data.delete("action");
      fetch(url, { method: "POST", body: data, credentials: "same-origin",
                   headers: { "X-Requested-With": "fetch" } })
        .then(function (response) {
          return response.json().then(function (body) { return { status: response.status, body: body }; });
        })
        .then(function (reply) {
          if (reply.status === 409 && reply.body.closed) {
            window.alert(reply.body.message);
            window.location.assign(reply.body.result_url);
          } else if (reply.status === 200 && Object.keys(reply.body.problems || {}).length === 0) {
            say(status.getAttribute("data-saved"));
          } else {
            say(status.getAttribute("data-failed"));
          }
        })
        .catch(function () { say(status.getAttribute("data-failed")); });
    };
    form.addEventListener("change", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(save, 400);
    });
  }

  var deadline = document.querySelector("[data-deadline]");
  if (deadline) {
    var end = Date.parse(deadline.getAttribute("data-deadline"));
    var out = deadline.querySelector(".take-countdown");
    var tick = function () {
      var left = Math.max(0, Math.floor((end - Date.now()) / 1000));
      var minutes = Math.floor(left / 60);
      var seconds = left % 60;
      out.textContent = "(" + minutes + ":" + (seconds < 10 ? "0" : "") + seconds + ")";
      if (left > 0) { window.setTimeout(tick, 1000); }
    };
    tick();
  }
})();
