/*
 * The only part that talks to the ReviewSec server. Content scripts ask it by message, so the
 * requests come from the extension's own origin (which the API's CORS allows) and never carry
 * the shop's cookies. It fetches only URLs it builds itself or that point at the configured
 * server, so a page cannot use it as a proxy.
 */
"use strict";

if (typeof ReviewSec === "undefined" && typeof importScripts === "function") {
  importScripts("lib/core.js"); // Chrome's service worker; Firefox lists lib/core.js itself
}

const ext = globalThis.browser || globalThis.chrome;

async function serverUrl() {
  const stored = await ext.storage.sync.get({ server: ReviewSec.DEFAULT_SERVER });
  return stored.server;
}

async function call(url, init) {
  try {
    const response = await fetch(url, {
      ...init,
      credentials: "omit",
      headers: { Accept: "application/json", ...(init && init.headers) },
    });
    const body = await response.json().catch(() => null);
    return { status: response.status, body };
  } catch {
    return { status: 0, body: null };
  }
}

async function handle(message, sender) {
  const server = await serverUrl();
  switch (message && message.type) {
    case "verdict":
      return call(ReviewSec.verdictUrl(server, message.ref));
    case "analyse":
      return call(ReviewSec.analysesUrl(server), {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ asin: message.ref.asin, marketplace: message.ref.marketplace }),
      });
    case "submit": {
      // A batch of the collector's reviews; only the API's fields go, and never over its limit.
      const batch = message.batch || {};
      const reviews = Array.isArray(batch.reviews) ? batch.reviews : [];
      // The product is the one of the page the collector runs on, as the browser reports it.
      const ref = ReviewSec.productRefFromUrl(sender && sender.url);
      if (!ref || reviews.length > 100) return { status: 0, body: null };
      return call(ReviewSec.reviewsUrl(server, ref), {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({
          reviews,
          final: batch.final === true,
          shop_rating_count: Number.isInteger(batch.shop_rating_count) ? batch.shop_rating_count : null,
        }),
      });
    }
    case "spec":
      // The review-list rules shared with the crawler, packaged with the extension.
      return fetch(ext.runtime.getURL("lib/review_spec.json")).then((response) => response.json());
    case "get":
      if (!ReviewSec.isOnServer(server, message.url)) return { status: 0, body: null };
      return call(message.url);
    default:
      return { status: 0, body: null };
  }
}

ext.runtime.onMessage.addListener((message, sender, sendResponse) => {
  handle(message, sender).then(sendResponse);
  return true; // the answer comes asynchronously
});
