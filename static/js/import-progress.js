// The staff-area import page: follow the job's progress without reloading, then show its end.
// Without JavaScript the page reloads itself (a <noscript> refresh) and shows the same thing.
(function () {
  "use strict";
  var panel = document.querySelector("[data-import-job]");
  if (!panel) return;
  var bar = panel.querySelector("[data-import-progress]");
  var count = panel.querySelector("[data-import-count]");
  var active = ["checking", "running"];
  function poll() {
    fetch(panel.getAttribute("data-import-job"), { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : Promise.reject(response.status); })
      .then(function (status) {
        if (active.indexOf(status.state) === -1) { window.location.reload(); return; }
        if (bar) { bar.max = status.total || 1; bar.value = status.done; bar.textContent = status.percent + "%"; }
        if (count) count.textContent = status.done + " of " + (status.total || "…");
        window.setTimeout(poll, 1500);
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 1000);
})();
