// Poll the job's status endpoint and move the progress bar; go to the verdict as soon as there
// is one: the refined verdict at the end, or before it the preliminary one (made once the
// reviews are stored, while reviewers' profiles are read; that page reloads itself until refined).
(function () {
  "use strict";
  // A poll is a small JSON read; every millisecond of the interval can be a shopper's wait.
  const POLL_MS = 250;
  const page = document.querySelector("[data-status-url]");
  if (!page) return;
  const url = page.dataset.statusUrl;
  const bar = page.querySelector(".progress-bar");
  const meter = page.querySelector("[role=progressbar]");
  const failed = page.querySelector(".progress-failed");
  const counts = page.querySelector("[data-counts]");
  const HELP = { robot_check: "robot_check", signin_required: "signin_required", network_error: "network", unavailable: "network" };

  function plural(n, word) {
    return n + " " + word + (n === 1 ? "" : "s");
  }

  // Counts only once something was read: no "0 reviews, 0 pages" while a worker starts.
  function countsText(status) {
    if (status.reviews_fetched === undefined) return null;
    if (!status.reviews_fetched && !status.pages_fetched) return "";
    let text = ": " + plural(status.reviews_fetched, "review");
    if (status.reviews_expected) text += " of about " + status.reviews_expected;
    return text + " from " + plural(status.pages_fetched, "page");
  }

  function showFailure(status) {
    const help = HELP[status.error_code];
    for (const block of failed.querySelectorAll("[data-failure-help]")) block.hidden = block.dataset.failureHelp !== help;
    const error = failed.querySelector("[data-field=error]");
    if (error) error.hidden = Boolean(help);
    const forward = failed.querySelector("[data-way-forward]");
    if (forward) forward.hidden = help !== "robot_check" && help !== "signin_required";
    const verb = page.querySelector("[data-verb]");
    if (verb) verb.textContent = "Could not analyse";
    failed.hidden = false;
  }

  function show(status) {
    bar.style.width = status.percent + "%";
    meter.setAttribute("aria-valuenow", status.percent);
    for (const field of page.querySelectorAll("[data-field]")) {
      const value = status[field.dataset.field];
      if (typeof value === "string" || typeof value === "number") {
        if (value !== "") field.textContent = value;
      }
    }
    const text = countsText(status);
    if (counts && text !== null) counts.textContent = text;
    if (status.state === "done" || status.preliminary) {
      window.location.assign(status.verdict_url);
      return false;
    }
    if (status.state === "failed") {
      showFailure(status);
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
    window.setTimeout(poll, POLL_MS);
  }
  poll();
})();
