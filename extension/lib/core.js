/*
 * ReviewSec extension logic with no browser APIs in it, so Node's test runner can check it.
 * Loaded as a classic script (content script, options page, background) and as a CommonJS
 * module in tests: it sets globalThis.ReviewSec or module.exports.
 */
(function (root) {
  "use strict";

  const DEFAULT_SERVER = "http://127.0.0.1:8000";
  const ASIN = /^(?:B[0-9A-Z]{9}|\d{9}[\dX])$/;
  const PRODUCT_PATH =
    /\/(?:dp|gp\/product|product-reviews|gp\/aw\/d)\/([A-Za-z0-9]{10})(?=[/?#;]|$)/;
  // Amazon shops: the registrable domain is the marketplace id the API expects.
  const AMAZON_HOST = /^(?:www\.|smile\.|m\.)?(amazon\.(?:com|co\.uk|de|fr|it|es|ca|com\.au|in|co\.jp|com\.mx|com\.br|nl|se|pl|sg|ae|sa|com\.tr|com\.be|eg))$/;
  // The local demo market (make run, any port) is the "demo" marketplace.
  const DEMO_HOSTS = new Set(["127.0.0.1", "localhost"]);

  const LABELS = {
    normal: "Reviews look normal",
    suspicious: "Suspicious reviews",
    highly_suspicious: "Highly suspicious reviews",
    insufficient_data: "Not enough reviews to judge",
  };

  /** {marketplace, asin} for a product page URL, or null for any other page. */
  function productRefFromUrl(href) {
    let url;
    try {
      url = new URL(href);
    } catch {
      return null;
    }
    if (url.protocol !== "https:" && url.protocol !== "http:") return null;
    let marketplace = null;
    let path = url.pathname;
    if (DEMO_HOSTS.has(url.hostname) && path.startsWith("/demo-market/")) {
      marketplace = "demo";
      path = path.slice("/demo-market".length);
    } else {
      const shop = AMAZON_HOST.exec(url.hostname);
      if (shop && url.protocol === "https:") marketplace = shop[1];
    }
    if (!marketplace) return null;
    const match = PRODUCT_PATH.exec(path);
    if (!match) return null;
    const asin = match[1].toUpperCase();
    return ASIN.test(asin) ? { marketplace, asin } : null;
  }

  /** The server URL as typed in the options, cleaned; throws a readable Error when unusable. */
  function normaliseServerUrl(text) {
    let url;
    try {
      url = new URL(String(text || "").trim());
    } catch {
      throw new Error("Enter the server's address, e.g. https://reviewsec.example.");
    }
    if (url.protocol !== "https:" && url.protocol !== "http:") {
      throw new Error("The server address must start with https:// (or http:// locally).");
    }
    if (url.username || url.password || url.search || url.hash) {
      throw new Error("Enter just the server's address, without a user name, query or #.");
    }
    return url.origin + url.pathname.replace(/\/+$/, "");
  }

  function verdictUrl(server, ref) {
    const m = encodeURIComponent(ref.marketplace);
    const a = encodeURIComponent(ref.asin);
    return `${server}/api/v1/products/${m}/${a}/verdict`;
  }

  /** Where the collector sends a product's reviews (POST, in batches). */
  function reviewsUrl(server, ref) {
    const m = encodeURIComponent(ref.marketplace);
    const a = encodeURIComponent(ref.asin);
    return `${server}/api/v1/products/${m}/${a}/reviews`;
  }

  function analysesUrl(server) {
    return `${server}/api/v1/analyses`;
  }

  /** Whether a URL the API gave us (a job's status link) is on the configured server. */
  function isOnServer(server, href) {
    try {
      const url = new URL(href);
      const base = new URL(server);
      return url.origin === base.origin && url.pathname.startsWith(`${base.pathname.replace(/\/$/, "")}/api/v1/`);
    } catch {
      return false;
    }
  }

  /**
   * What an API answer means for the page: a verdict, no verdict yet, a job to follow, or an
   * error with a message for people. `status` is the HTTP status, `body` the parsed JSON.
   */
  function interpret(status, body) {
    if (status === 200 && body && body.verdict) return { kind: "verdict", verdict: body };
    if (status === 202 && body && body.links) return { kind: "job", job: body };
    if (status === 200 && body && body.state) return { kind: "job", job: body };
    const error = (body && body.error) || {};
    if (status === 404 && error.code === "not_analysed") return { kind: "none" };
    if (status === 429) {
      return { kind: "error", message: "Too many requests; try again in a minute." };
    }
    if (status === 0) {
      return { kind: "error", message: "The ReviewSec server cannot be reached; check the options." };
    }
    return { kind: "error", message: error.message || `The server answered ${status}.` };
  }

  /** What the badge shows: text, a tone for its colour, and where its link goes. */
  const DIRECTIONS = { inflated: "rating looks inflated", deflated: "rating looks deflated", none: "rating looks trustworthy" };

  /** " · grade F · rating looks inflated · adjusted 3.1 of 5 (shop 4.6)", from what the
   * verdict's summary block holds; "" without one (nothing is derived here). */
  function summaryText(summary) {
    if (!summary) return "";
    const parts = [];
    if (summary.grade) parts.push(`grade ${summary.grade}`);
    if (DIRECTIONS[summary.direction]) parts.push(DIRECTIONS[summary.direction]);
    if (typeof summary.adjusted_rating === "number") {
      const shop = typeof summary.shop_rating === "number" ? ` (shop ${summary.shop_rating.toFixed(1)})` : "";
      parts.push(`adjusted ${summary.adjusted_rating.toFixed(1)} of 5${shop}`);
    }
    return parts.map((part) => ` · ${part}`).join("");
  }

  function badgeModel(result) {
    switch (result.kind) {
      case "verdict": {
        const body = result.verdict;
        const category = body.verdict.category;
        const moderation = body.moderation ? ` · ${body.moderation.label}` : "";
        return {
          tone: category,
          text: `ReviewSec: ${LABELS[category] || category}${summaryText(body.summary)}${moderation}`,
          href: body.links && body.links.page,
          action: null,
        };
      }
      case "none":
        return { tone: "none", text: "ReviewSec: not analysed yet", href: null, action: "Analyse now" };
      case "job": {
        const job = result.job;
        if (job.state === "failed") {
          return { tone: "error", text: `ReviewSec: ${job.error || "the analysis failed"}`, href: null, action: "Try again" };
        }
        const stage = job.stage_label || "Waiting";
        return { tone: "working", text: `ReviewSec: ${stage}… ${job.percent || 0}%`, href: null, action: null };
      }
      default:
        return { tone: "error", text: `ReviewSec: ${result.message}`, href: null, action: null };
    }
  }

  /**
   * Follow a job until it is done or failed: `fetchJob(url)` returns {status, body}; `onUpdate`
   * sees each state. Resolves to the final interpret() result. Bounded by `maxPolls`.
   */
  async function followJob(job, { fetchJob, fetchVerdict, onUpdate, sleep, intervalMs = 2000, maxPolls = 450 }) {
    let current = job;
    for (let poll = 0; poll < maxPolls; poll += 1) {
      onUpdate({ kind: "job", job: current });
      if (current.state === "done") {
        const answer = await fetchVerdict(current.links.verdict);
        return interpret(answer.status, answer.body);
      }
      if (current.state === "failed") return { kind: "job", job: current };
      await sleep(intervalMs);
      const answer = await fetchJob(current.links.status);
      const result = interpret(answer.status, answer.body);
      if (result.kind !== "job") return result;
      current = result.job;
    }
    return { kind: "error", message: "The analysis is taking long; reload the page later." };
  }

  const api = {
    DEFAULT_SERVER,
    LABELS,
    productRefFromUrl,
    normaliseServerUrl,
    verdictUrl,
    analysesUrl,
    reviewsUrl,
    isOnServer,
    interpret,
    badgeModel,
    followJob,
  };
  if (typeof module !== "undefined" && module.exports) module.exports = api;
  else root.ReviewSec = api;
})(typeof globalThis !== "undefined" ? globalThis : this);
