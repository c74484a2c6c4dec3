/*
 * The collector's logic, with no browser APIs in it: which review-list pages to read, how fast,
 * when to stop, and how the reviews go to the server in batches. content.js supplies the
 * fetching, parsing, waiting and sending; Node's tests supply stand-ins.
 * Loaded as a classic script (sets globalThis.ReviewSecCollect) or as a CommonJS module.
 */
(function (root) {
  "use strict";

  const DEFAULT_PAGE_LIMIT = 20;
  const MAX_PAGE_LIMIT = 100;
  const DEFAULT_DELAY_MS = 1500;
  const BATCH_SIZE = 100; // the API's limit per request
  const REVIEW_ID = /^R[0-9A-Z]{5,30}$/; // the API's rule: other ids are not Amazon reviews
  // What leaves the browser, per review: nothing else of the page is sent.
  const SENT_FIELDS = [
    "review_id", "rating", "title", "body", "posted_date", "country", "verified_purchase",
    "helpful_votes", "reviewer_name", "profile_id", "variant", "image_count", "vine",
  ];

  const STOPS = {
    last_page: (pages) => `Read all ${pages} review pages.`,
    limit: (pages) => `Read ${pages} review pages, the limit you set.`,
    signin_required: (pages) =>
      pages
        ? `The shop asked you to sign in after ${pages} pages; stopped there.`
        : "The shop shows its review list only when you are signed in: sign in, then try again.",
    robot_check: (pages) =>
      pages
        ? `The shop showed a robot check after ${pages} pages; stopped there.`
        : "The shop showed a robot check instead of the reviews; try again later.",
    http_error: (pages) => `The shop did not answer page ${pages + 1}; stopped there.`,
    cancelled: () => "Cancelled: nothing was sent.",
  };

  /** The page limit the shopper typed, as a whole number between 1 and 100. */
  function clampPageLimit(value) {
    const number = Math.floor(Number(value));
    if (!Number.isFinite(number) || number < 1) return DEFAULT_PAGE_LIMIT;
    return Math.min(number, MAX_PAGE_LIMIT);
  }

  /** A review-list page of the product, newest first, on the shop the shopper is on. */
  function reviewListUrl(origin, ref, pageNumber) {
    const prefix = ref.marketplace === "demo" ? "/demo-market" : "";
    const asin = encodeURIComponent(ref.asin);
    return `${origin}${prefix}/product-reviews/${asin}?pageNumber=${pageNumber}&sortBy=recent`;
  }

  /**
   * Read review-list pages one at a time, `delayMs` apart, until the last page, the limit, a
   * sign-in wall, a robot check, an error or a cancel. `fetchPage(url)` gives {status, url, html};
   * `readPage(html, url)` gives {kind, reviews, nextPage}. Reviews are kept once each.
   */
  async function collectPages({ origin, ref, limit, delayMs, fetchPage, readPage, sleep, onProgress, isCancelled }) {
    const reviews = new Map();
    let pagesRead = 0;
    const done = (reason) => ({ reviews: [...reviews.values()], pagesRead, reason, message: STOPS[reason](pagesRead) });
    for (let pageNumber = 1; pageNumber <= limit; pageNumber += 1) {
      if (pageNumber > 1) await sleep(delayMs);
      if (isCancelled()) return done("cancelled");
      const answer = await fetchPage(reviewListUrl(origin, ref, pageNumber));
      if (isCancelled()) return done("cancelled");
      if (!answer || answer.status < 200 || answer.status >= 300) return done("http_error");
      const page = readPage(answer.html, answer.url);
      if (page.kind !== "ok") return done(page.kind);
      const before = reviews.size;
      for (const review of page.reviews) if (!reviews.has(review.review_id)) reviews.set(review.review_id, review);
      pagesRead = pageNumber;
      onProgress({ pagesRead, limit, reviews: reviews.size });
      if (!page.nextPage || reviews.size === before) return done("last_page");
    }
    return done("limit");
  }

  /** A parsed review as the API takes it; null when the API would refuse it (no date, odd id). */
  function toSubmitted(review) {
    if (!review || !REVIEW_ID.test(review.review_id) || !review.posted_date) return null;
    const sent = {};
    for (const field of SENT_FIELDS) sent[field] = review[field];
    return sent;
  }

  /** Lists of at most `size` items, in order; at least one (possibly empty) list. */
  function batches(items, size = BATCH_SIZE) {
    const out = [];
    for (let start = 0; start < items.length; start += size) out.push(items.slice(start, start + size));
    return out.length ? out : [[]];
  }

  /**
   * Send the reviews in batches, the last one with `final: true`. `send(body)` gives
   * {status, body}. Resolves to the last answer, or the first error answer.
   */
  async function sendInBatches({ reviews, shopRatingCount, send, onProgress, size = BATCH_SIZE }) {
    const parts = batches(reviews, size);
    let answer = null;
    let sent = 0;
    for (let index = 0; index < parts.length; index += 1) {
      const final = index === parts.length - 1;
      answer = await send({ reviews: parts[index], final, shop_rating_count: shopRatingCount });
      if (!answer || answer.status !== 200) return answer;
      sent += parts[index].length;
      onProgress({ sent, total: reviews.length });
    }
    return answer;
  }

  /** The server's answer to the final batch, as the badge shows it. */
  function interpretSubmission(status, body) {
    if (status === 200 && body && body.verdict_url) {
      const analysis = body.analysis;
      if (!analysis) return { kind: "error", message: "The reviews were sent, but no verdict came back." };
      return {
        kind: "verdict",
        verdict: { verdict: { category: analysis.category }, links: { page: body.verdict_url } },
      };
    }
    const error = (body && body.error) || {};
    if (status === 0) return { kind: "error", message: "The ReviewSec server cannot be reached; check the options." };
    return { kind: "error", message: error.message || `The server answered ${status}.` };
  }

  const api = {
    DEFAULT_PAGE_LIMIT,
    MAX_PAGE_LIMIT,
    DEFAULT_DELAY_MS,
    BATCH_SIZE,
    SENT_FIELDS,
    clampPageLimit,
    reviewListUrl,
    collectPages,
    toSubmitted,
    batches,
    sendInBatches,
    interpretSubmission,
  };
  if (typeof module !== "undefined" && module.exports) module.exports = api;
  else root.ReviewSecCollect = api;
})(typeof globalThis !== "undefined" ? globalThis : this);
