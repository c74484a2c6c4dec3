/*
 * On a product page: read the ASIN from the address, ask for the verdict, and show a small
 * badge next to the star rating. Only text is inserted (no HTML from the server).
 */
"use strict";

(function () {
  const ext = globalThis.browser || globalThis.chrome;
  const ref = ReviewSec.productRefFromUrl(location.href);
  if (!ref || document.getElementById("reviewsec-badge")) return;

  // A message to the service worker fails when Chrome has stopped the worker and the message
  // races its restart ("Receiving end does not exist", or the port closing before the answer).
  // Reads (verdict, job status, the rules) are asked again after a pause and reach the new
  // worker; a POST is not repeated, as it may have reached the server. A message that gets no
  // answer gives the unreachable answer (status 0), so the badge says so instead of staying on
  // "Checking".
  const READ_TRIES = 4;
  const UNREACHABLE = { status: 0, body: null };
  async function askOnce(message) {
    try {
      const answer = await ext.runtime.sendMessage(message);
      return answer === undefined ? null : answer;
    } catch {
      return null;
    }
  }
  async function ask(message) {
    const tries = message.type === "analyse" || message.type === "submit" ? 1 : READ_TRIES;
    for (let attempt = 1; ; attempt += 1) {
      const answer = await askOnce(message);
      if (answer !== null) return answer;
      if (attempt >= tries) return UNREACHABLE;
      await new Promise((resolve) => setTimeout(resolve, 250 * attempt));
    }
  }
  const badge = document.createElement("span");
  badge.id = "reviewsec-badge";
  badge.className = "reviewsec-badge";
  const anchor = document.getElementById("averageCustomerReviews") || document.getElementById("title");
  if (!anchor) return;
  anchor.insertAdjacentElement("afterend", badge);

  // While the collector reads the review list, the badge offers no second way to analyse.
  let collecting = false;
  let shown = null;

  function render(result) {
    shown = result;
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
    if (model.action && !collecting) {
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

  collector();

  // --- "Analyse reviews with ReviewSec": read the review list in the shopper's session ----------

  function element(tag, props = {}, ...children) {
    const node = document.createElement(tag);
    Object.assign(node, props);
    node.append(...children);
    return node;
  }

  function collector() {
    const panel = element("div", { id: "reviewsec-collector", className: "reviewsec-collector" });
    const start = element("button", { type: "button", textContent: "Analyse reviews with ReviewSec" });
    panel.append(start);
    badge.insertAdjacentElement("afterend", panel);
    start.addEventListener("click", () => consent(panel, start));
  }

  async function consent(panel, start) {
    const C = ReviewSecCollect;
    const { server } = await ext.storage.sync.get({ server: ReviewSec.DEFAULT_SERVER });
    const limit = element("input", {
      type: "number", id: "reviewsec-page-limit", min: "1", max: String(C.MAX_PAGE_LIMIT),
      value: String(C.DEFAULT_PAGE_LIMIT),
    });
    const go = element("button", { type: "button", textContent: "Read and send" });
    const no = element("button", { type: "button", textContent: "Not now" });
    const dialog = element(
      "dialog",
      { id: "reviewsec-consent", className: "reviewsec-dialog" },
      element("h2", { textContent: "Analyse this product's reviews with ReviewSec?" }),
      element("p", {
        textContent:
          "ReviewSec will read the review-list pages of this product, newest first, in your " +
          "session on this shop, one page at a time.",
      }),
      element("p", {
        textContent:
          `It sends only review data to the ReviewSec server at ${server}: review ids, star ratings, titles, ` +
          "texts, dates, countries, the \u201cverified purchase\u201d mark, helpful votes, variants, " +
          "image counts, and each reviewer's public name and profile id. It never sends your " +
          "cookies, your account details or anything else about you.",
      }),
      element("label", { htmlFor: "reviewsec-page-limit" }, "Read at most ", limit, " pages (10 reviews each)."),
      element("p", {}, go, " ", no),
    );
    document.body.append(dialog);
    dialog.showModal();
    dialog.addEventListener("close", () => dialog.remove()); // also on Escape
    no.addEventListener("click", () => dialog.close());
    go.addEventListener("click", () => {
      const pages = C.clampPageLimit(limit.value);
      dialog.close();
      collect(panel, start, pages);
    });
  }

  async function collect(panel, start, limit) {
    const C = ReviewSecCollect;
    const P = ReviewSecParse;
    let cancelled = false;
    const bar = element("progress", { id: "reviewsec-progress", max: limit, value: 0 });
    const status = element("span", { id: "reviewsec-status", textContent: "Reading page 1…" });
    const cancel = element("button", { type: "button", textContent: "Cancel" });
    cancel.addEventListener("click", () => {
      cancelled = true;
      cancel.disabled = true;
    });
    start.hidden = true;
    collecting = true;
    if (shown) render(shown);
    panel.replaceChildren(start, bar, " ", status, " ", cancel);

    const spec = await ask({ type: "spec" });
    if (!spec || !spec.selectors) {
      // The packaged rules never arrived (the worker did not answer): nothing was read or sent.
      cancel.remove();
      start.hidden = false;
      collecting = false;
      if (shown) render(shown);
      status.textContent = "The extension did not answer; reload the page and try again.";
      return;
    }
    const stored = await ext.storage.sync.get({ collectDelayMs: C.DEFAULT_DELAY_MS });
    // Firefox runs content-script fetches as the extension; content.fetch runs them as the page.
    const pageFetch = (globalThis.content && globalThis.content.fetch) || globalThis.fetch;
    const result = await C.collectPages({
      origin: location.origin,
      ref,
      limit,
      delayMs: Math.max(0, Number(stored.collectDelayMs) || 0),
      fetchPage: async (url) => {
        try {
          // Same origin, the shopper's own session: what they would see by paging the list.
          const response = await pageFetch(url, { credentials: "include", redirect: "follow" });
          return { status: response.status, url: response.url, html: await response.text() };
        } catch {
          return null;
        }
      },
      readPage: (html, url) => {
        const doc = new DOMParser().parseFromString(html, "text/html");
        const kind = P.pageKind(spec, doc, url);
        if (kind !== "ok") return { kind, reviews: [], nextPage: null };
        const facts = P.pageFacts(spec, doc);
        return { kind, reviews: P.parseReviews(spec, doc, ref.marketplace), nextPage: facts.nextPage };
      },
      sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
      onProgress: ({ pagesRead, reviews }) => {
        bar.value = pagesRead;
        status.textContent = `Read ${pagesRead} of at most ${limit} pages: ${reviews} reviews…`;
      },
      isCancelled: () => cancelled,
    });

    cancel.remove();
    start.hidden = false;
    collecting = false;
    if (shown) render(shown);
    if (result.reason === "last_page") bar.max = bar.value = Math.max(result.pagesRead, 1);
    const reviews = result.reviews.map(C.toSubmitted).filter(Boolean);
    if (result.reason === "cancelled" || reviews.length === 0) {
      status.textContent = reviews.length || result.reason === "cancelled"
        ? result.message
        : `${result.message} No reviews to send.`;
      return;
    }
    status.textContent = `${result.message} Sending ${reviews.length} reviews…`;
    const answer = await C.sendInBatches({
      reviews,
      shopRatingCount: shopRatingCount(spec),
      send: (batch) => ask({ type: "submit", batch }),
      onProgress: ({ sent, total }) => {
        status.textContent = `${result.message} Sent ${sent} of ${total} reviews…`;
      },
    });
    const outcome = C.interpretSubmission(answer ? answer.status : 0, answer && answer.body);
    render(outcome);
    status.textContent =
      outcome.kind === "verdict" ? `${result.message} Sent ${reviews.length} reviews.` : outcome.message;
  }

  /** The rating count the product page shows ("1,234 ratings"), or null. */
  function shopRatingCount(spec) {
    // Like the crawler: the first selector, in order, whose element has text.
    for (const selector of spec.selectors.shop_rating_count.split(",")) {
      for (const node of document.querySelectorAll(selector)) {
        const text = ReviewSecParse.cleanText(node.textContent);
        if (text) {
          const numbers = ReviewSecParse.parseInts(spec, text);
          return numbers.length ? numbers[0] : null;
        }
      }
    }
    return null;
  }
})();
