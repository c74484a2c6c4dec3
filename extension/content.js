/*
 * On a product page: read the ASIN from the address, ask for the verdict, and show a small
 * badge next to the star rating. Only text is inserted (no HTML from the server).
 */
"use strict";

(function () {
  const ext = globalThis.browser || globalThis.chrome;
  const ref = ReviewSec.productRefFromUrl(location.href);
  if (!ref || document.getElementById("reviewsec-badge")) return;

  const ask = (message) => ext.runtime.sendMessage(message);
  const badge = document.createElement("span");
  badge.id = "reviewsec-badge";
  badge.className = "reviewsec-badge";
  const anchor = document.getElementById("averageCustomerReviews") || document.getElementById("title");
  if (!anchor) return;
  anchor.insertAdjacentElement("afterend", badge);

  function render(result) {
    const model = ReviewSec.badgeModel(result);
    badge.replaceChildren();
    badge.dataset.tone = model.tone;
    const label = document.createElement(model.href ? "a" : "span");
    label.textContent = model.text;
    if (model.href) {
      label.href = model.href;
      label.target = "_blank";
      label.rel = "noopener noreferrer";
    }
    badge.append(label);
    if (model.action) {
      const button = document.createElement("button");
      button.type = "button";
      button.textContent = model.action;
      button.addEventListener("click", analyse);
      badge.append(" ", button);
    }
  }

  async function analyse() {
    render({ kind: "job", job: { state: "queued", stage_label: "Starting", percent: 0 } });
    const answer = await ask({ type: "analyse", ref });
    const result = ReviewSec.interpret(answer.status, answer.body);
    if (result.kind !== "job") return render(result);
    const get = (url) => ask({ type: "get", url });
    render(
      await ReviewSec.followJob(result.job, {
        fetchJob: get,
        fetchVerdict: get,
        onUpdate: render,
        sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
      }),
    );
  }

  render({ kind: "job", job: { state: "queued", stage_label: "Checking", percent: 0 } });
  ask({ type: "verdict", ref }).then((answer) => render(ReviewSec.interpret(answer.status, answer.body)));
})();
