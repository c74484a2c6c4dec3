// Poll the job's status endpoint and move the progress bar; go to the verdict when done.
(function () {
  "use strict";
  const page = document.querySelector("[data-status-url]");
  if (!page) return;
  const url = page.dataset.statusUrl;
  const bar = page.querySelector(".progress-bar");
  const meter = page.querySelector("[role=progressbar]");
  const failed = page.querySelector(".progress-failed");

  function show(status) {
    bar.style.width = status.percent + "%";
    meter.setAttribute("aria-valuenow", status.percent);
    for (const field of page.querySelectorAll("[data-field]")) {
      const value = status[field.dataset.field];
      if (value !== undefined && value !== null) field.textContent = value;
    }
    if (status.state === "done") {
      window.location.assign(status.verdict_url);
      return false;
    }
    if (status.state === "failed") {
      failed.hidden = false;
      return false;
    }
    return true;
  }

  async function poll() {
    try {
      const response = await fetch(url, { headers: { Accept: "application/json" } });
      if (response.ok && !show(await response.json())) return;
    } catch (error) {
      // A dropped request is retried on the next tick.
    }
    window.setTimeout(poll, 700);
  }
  poll();
})();
