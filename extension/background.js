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

async function handle(message) {
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
    case "get":
      if (!ReviewSec.isOnServer(server, message.url)) return { status: 0, body: null };
      return call(message.url);
    default:
      return { status: 0, body: null };
  }
}

ext.runtime.onMessage.addListener((message, sender, sendResponse) => {
  handle(message).then(sendResponse);
  return true; // the answer comes asynchronously
});
