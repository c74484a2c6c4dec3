"use strict";

const test = require("node:test");
const assert = require("node:assert/strict");
const core = require("../lib/core.js");

test("a product page names its marketplace and ASIN", () => {
  const cases = {
    "https://www.amazon.com/dp/B0BBPNPZTC": { marketplace: "amazon.com", asin: "B0BBPNPZTC" },
    "https://www.amazon.co.uk/Some-Mug/dp/b0bbpnpztc/ref=sr_1_1?th=1": {
      marketplace: "amazon.co.uk",
      asin: "B0BBPNPZTC",
    },
    "https://www.amazon.de/gp/product/B0BBPNPZTC?psc=1": { marketplace: "amazon.de", asin: "B0BBPNPZTC" },
    "https://www.amazon.co.jp/product-reviews/B0BBPNPZTC": { marketplace: "amazon.co.jp", asin: "B0BBPNPZTC" },
    "http://127.0.0.1:8000/demo-market/cozy-mug/dp/B0DEMO0001": { marketplace: "demo", asin: "B0DEMO0001" },
  };
  for (const [url, expected] of Object.entries(cases)) {
    assert.deepEqual(core.productRefFromUrl(url), expected, url);
  }
});

test("other pages and look-alike hosts are not product pages", () => {
  for (const url of [
    "https://www.amazon.com/gp/cart/view.html",
    "https://amazon.com.evil.example/dp/B0BBPNPZTC",
    "https://aws.amazon.com/dp/B0BBPNPZTC",
    "http://www.amazon.com/dp/B0BBPNPZTC",
    "https://www.amazon.com/dp/B0BBPN",
    "http://127.0.0.1:8000/dp/B0BBPNPZTC",
    "not a url",
  ]) {
    assert.equal(core.productRefFromUrl(url), null, url);
  }
});

test("the server address is cleaned or refused with a reason", () => {
  assert.equal(core.normaliseServerUrl(" https://reviewsec.example/ "), "https://reviewsec.example");
  assert.equal(core.normaliseServerUrl("http://127.0.0.1:8000"), "http://127.0.0.1:8000");
  assert.equal(core.normaliseServerUrl("https://example.org/reviewsec//"), "https://example.org/reviewsec");
  for (const bad of ["", "reviewsec.example", "ftp://x.example", "https://u:p@x.example", "https://x.example/?a=1"]) {
    assert.throws(() => core.normaliseServerUrl(bad), Error, bad);
  }
});

test("API addresses are built from the server and the product", () => {
  const ref = { marketplace: "amazon.com", asin: "B0BBPNPZTC" };
  assert.equal(
    core.verdictUrl("https://r.example", ref),
    "https://r.example/api/v1/products/amazon.com/B0BBPNPZTC/verdict",
  );
  assert.equal(core.analysesUrl("https://r.example"), "https://r.example/api/v1/analyses");
});

test("only links onto the configured server's API are followed", () => {
  assert.ok(core.isOnServer("https://r.example", "https://r.example/api/v1/jobs/3"));
  assert.ok(!core.isOnServer("https://r.example", "https://evil.example/api/v1/jobs/3"));
  assert.ok(!core.isOnServer("https://r.example", "https://r.example/admin/"));
  assert.ok(!core.isOnServer("https://r.example", "javascript:alert(1)"));
});

const verdict = (category, moderation = null) => ({
  verdict: { category, reasons: [] },
  moderation,
  links: { page: "https://r.example/p/amazon.com/B0BBPNPZTC/" },
});

test("answers become verdicts, jobs, 'not analysed' or readable errors", () => {
  assert.equal(core.interpret(200, verdict("normal")).kind, "verdict");
  assert.equal(core.interpret(202, { state: "queued", links: {} }).kind, "job");
  assert.equal(core.interpret(404, { error: { code: "not_analysed", message: "…" } }).kind, "none");
  assert.deepEqual(core.interpret(400, { error: { code: "invalid_product", message: "Bad ASIN." } }), {
    kind: "error",
    message: "Bad ASIN.",
  });
  assert.match(core.interpret(429, null).message, /Too many requests/);
  assert.match(core.interpret(0, null).message, /cannot be reached/);
  assert.match(core.interpret(500, null).message, /500/);
});

test("the badge names the category, links to the verdict page and shows a moderator's word", () => {
  const model = core.badgeModel({
    kind: "verdict",
    verdict: verdict("highly_suspicious", { label: "reviewed by a moderator: confirmed manipulation" }),
  });
  assert.equal(model.tone, "highly_suspicious");
  assert.equal(
    model.text,
    "ReviewSec: Highly suspicious reviews · reviewed by a moderator: confirmed manipulation",
  );
  assert.equal(model.href, "https://r.example/p/amazon.com/B0BBPNPZTC/");
  assert.equal(model.action, null);
});

test("a verdict's summary block adds grade, direction and adjusted rating to the badge", () => {
  const body = verdict("highly_suspicious");
  body.summary = { grade: "F", direction: "inflated", shop_rating: 4.6, adjusted_rating: 3.14, adjusted_interval: [2.8, 3.4] };
  assert.equal(
    core.badgeModel({ kind: "verdict", verdict: body }).text,
    "ReviewSec: Highly suspicious reviews · grade F · rating looks inflated · adjusted 3.1 of 5 (shop 4.6)",
  );
  body.summary = { grade: "A", direction: "none" };
  assert.equal(
    core.badgeModel({ kind: "verdict", verdict: body }).text,
    "ReviewSec: Highly suspicious reviews · grade A · rating looks trustworthy",
  );
});

test("without a verdict the badge offers to analyse now", () => {
  assert.equal(core.badgeModel({ kind: "none" }).action, "Analyse now");
  assert.equal(core.badgeModel({ kind: "job", job: { state: "failed", error: "Captcha." } }).action, "Try again");
  assert.match(core.badgeModel({ kind: "job", job: { state: "running", stage_label: "Reading reviews", percent: 40 } }).text, /Reading reviews… 40%/);
});

test("a job is followed until its verdict arrives", async () => {
  const states = [
    { state: "running", stage_label: "Reading reviews", percent: 50, links: { status: "s", verdict: "v" } },
    { state: "done", percent: 100, links: { status: "s", verdict: "v" } },
  ];
  const seen = [];
  const result = await core.followJob(
    { state: "queued", percent: 0, links: { status: "s", verdict: "v" } },
    {
      fetchJob: async (url) => ({ status: 200, body: states.shift() }),
      fetchVerdict: async (url) => ({ status: 200, body: verdict("suspicious") }),
      onUpdate: (update) => seen.push(update.job.state),
      sleep: async () => {},
    },
  );
  assert.equal(result.kind, "verdict");
  assert.deepEqual(seen, ["queued", "running", "done"]);
});

test("following a job stops at a failure or after a bounded number of polls", async () => {
  const failed = await core.followJob(
    { state: "running", links: { status: "s", verdict: "v" } },
    {
      fetchJob: async () => ({ status: 200, body: { state: "failed", error: "Captcha.", links: {} } }),
      fetchVerdict: async () => assert.fail("no verdict for a failed job"),
      onUpdate: () => {},
      sleep: async () => {},
    },
  );
  assert.equal(failed.job.state, "failed");

  let polls = 0;
  const forever = await core.followJob(
    { state: "running", links: { status: "s", verdict: "v" } },
    {
      fetchJob: async () => {
        polls += 1;
        return { status: 200, body: { state: "running", links: { status: "s", verdict: "v" } } };
      },
      fetchVerdict: async () => assert.fail("never done"),
      onUpdate: () => {},
      sleep: async () => {},
      maxPolls: 5,
    },
  );
  assert.equal(forever.kind, "error");
  assert.equal(polls, 5);
});

test("the collector's reviews go to the product's reviews endpoint", () => {
  assert.equal(
    core.reviewsUrl("https://r.example", { marketplace: "demo", asin: "B0DEMO0005" }),
    "https://r.example/api/v1/products/demo/B0DEMO0005/reviews",
  );
});
