"use strict";

const test = require("node:test");
const assert = require("node:assert/strict");
const collect = require("../lib/collect.js");

const ref = { marketplace: "amazon.com", asin: "B0BBPNPZTC" };
const review = (n, extra = {}) => ({
  review_id: `R${String(n).padStart(8, "0")}`,
  rating: 5,
  title: "t",
  body: "b",
  posted_date: "2024-07-01",
  country: "United States",
  verified_purchase: true,
  helpful_votes: 0,
  reviewer_name: "A",
  profile_id: "amzn1.account.X",
  variant: "",
  image_count: 0,
  vine: false,
  ...extra,
});

/** A shop of `pages` review pages of ten reviews each; records what was fetched and waited. */
function shop(pages, { kindAt = {}, statusAt = {} } = {}) {
  const log = [];
  return {
    log,
    fetchPage: async (url) => {
      const number = Number(new URL(url).searchParams.get("pageNumber"));
      log.push(["fetch", number]);
      return { status: statusAt[number] || 200, url, html: String(number) };
    },
    readPage: (html) => {
      const number = Number(html);
      if (kindAt[number]) return { kind: kindAt[number], reviews: [], nextPage: null };
      const reviews = Array.from({ length: 10 }, (_, i) => review((number - 1) * 10 + i));
      return { kind: "ok", reviews, nextPage: number < pages ? `?pageNumber=${number + 1}` : null };
    },
    sleep: async (ms) => log.push(["sleep", ms]),
  };
}

const run = (fake, options = {}) =>
  collect.collectPages({
    origin: "https://www.amazon.com",
    ref,
    limit: 20,
    delayMs: 1500,
    onProgress: () => {},
    isCancelled: () => false,
    ...fake,
    ...options,
  });

test("review-list pages are the product's own, newest first, on the shop the shopper is on", () => {
  assert.equal(
    collect.reviewListUrl("https://www.amazon.de", ref, 3),
    "https://www.amazon.de/product-reviews/B0BBPNPZTC?pageNumber=3&sortBy=recent",
  );
  assert.equal(
    collect.reviewListUrl("http://127.0.0.1:8000", { marketplace: "demo", asin: "B0DEMO0001" }, 1),
    "http://127.0.0.1:8000/demo-market/product-reviews/B0DEMO0001?pageNumber=1&sortBy=recent",
  );
});

test("the page limit is a whole number from 1 to 100, 20 when unreadable", () => {
  assert.equal(collect.clampPageLimit("7"), 7);
  assert.equal(collect.clampPageLimit(500), 100);
  assert.equal(collect.clampPageLimit(""), 20);
  assert.equal(collect.clampPageLimit(-3), 20);
  assert.equal(collect.clampPageLimit("2.9"), 2);
});

test("pages are read one at a time with the delay between them, up to the last page", async () => {
  const fake = shop(3);
  const result = await run(fake);
  assert.deepEqual(fake.log, [["fetch", 1], ["sleep", 1500], ["fetch", 2], ["sleep", 1500], ["fetch", 3]]);
  assert.equal(result.reason, "last_page");
  assert.equal(result.pagesRead, 3);
  assert.equal(result.reviews.length, 30);
  assert.match(result.message, /all 3 review pages/);
});

test("reading stops at the limit the shopper set", async () => {
  const fake = shop(50);
  const result = await run(fake, { limit: 4 });
  assert.equal(result.reason, "limit");
  assert.equal(fake.log.filter(([what]) => what === "fetch").length, 4);
  assert.equal(result.reviews.length, 40);
});

test("a sign-in wall or a robot check stops the reading with a clear message", async () => {
  const wall = await run(shop(10, { kindAt: { 3: "signin_required" } }));
  assert.equal(wall.reason, "signin_required");
  assert.equal(wall.reviews.length, 20);
  assert.match(wall.message, /sign in after 2 pages/);

  const first = await run(shop(10, { kindAt: { 1: "signin_required" } }));
  assert.match(first.message, /only when you are signed in/);

  const robot = await run(shop(10, { kindAt: { 2: "robot_check" } }));
  assert.equal(robot.reason, "robot_check");
  assert.match(robot.message, /robot check/);

  const broken = await run(shop(10, { statusAt: { 2: 503 } }));
  assert.equal(broken.reason, "http_error");
});

test("cancel stops before the next page and nothing is kept to send", async () => {
  let cancelled = false;
  const fake = shop(10);
  const result = await run(fake, {
    onProgress: ({ pagesRead }) => {
      if (pagesRead === 2) cancelled = true;
    },
    isCancelled: () => cancelled,
  });
  assert.equal(result.reason, "cancelled");
  assert.equal(fake.log.filter(([what]) => what === "fetch").length, 2);
  assert.match(result.message, /nothing was sent/);
});

test("a page that repeats reviews already read ends the list", async () => {
  const fake = shop(10);
  const repeat = { ...fake, readPage: () => ({ kind: "ok", reviews: [review(1)], nextPage: "?pageNumber=9" }) };
  const result = await run(repeat);
  assert.equal(result.pagesRead, 2);
  assert.equal(result.reason, "last_page");
  assert.equal(result.reviews.length, 1);
});

test("only the API's review fields are sent, and reviews it would refuse are left out", () => {
  const sent = collect.toSubmitted(review(1, { cookie: "session-id=1", account: "me" }));
  assert.deepEqual(Object.keys(sent).sort(), [...collect.SENT_FIELDS].sort());
  assert.equal(collect.toSubmitted(review(1, { posted_date: null })), null);
  assert.equal(collect.toSubmitted(review(1, { review_id: "gp-123" })), null);
});

test("reviews go in batches of at most 100, the last one final", async () => {
  const reviews = Array.from({ length: 230 }, (_, i) => collect.toSubmitted(review(i)));
  const bodies = [];
  const progress = [];
  const answer = await collect.sendInBatches({
    reviews,
    shopRatingCount: 1234,
    send: async (body) => {
      bodies.push(body);
      return { status: 200, body: { accepted: body.reviews.length } };
    },
    onProgress: ({ sent }) => progress.push(sent),
  });
  assert.deepEqual(bodies.map((b) => b.reviews.length), [100, 100, 30]);
  assert.deepEqual(bodies.map((b) => b.final), [false, false, true]);
  assert.ok(bodies.every((b) => b.shop_rating_count === 1234));
  assert.deepEqual(progress, [100, 200, 230]);
  assert.equal(answer.body.accepted, 30);
  assert.deepEqual(collect.batches([]), [[]]);
});

test("sending stops at the first error answer", async () => {
  const reviews = Array.from({ length: 250 }, (_, i) => collect.toSubmitted(review(i)));
  let calls = 0;
  const answer = await collect.sendInBatches({
    reviews,
    shopRatingCount: null,
    send: async () => {
      calls += 1;
      return { status: 429, body: { error: { code: "daily_cap_reached", message: "Enough for today." } } };
    },
    onProgress: () => {},
  });
  assert.equal(calls, 1);
  assert.deepEqual(collect.interpretSubmission(answer.status, answer.body), {
    kind: "error",
    message: "Enough for today.",
  });
});

test("the final answer becomes the badge's verdict with its page", () => {
  const result = collect.interpretSubmission(200, {
    accepted: 30,
    duplicates: 0,
    submission: 7,
    analysis: { category: "suspicious", reviews_analyzed: 230 },
    verdict_url: "https://r.example/p/demo/B0DEMO0005/",
  });
  assert.equal(result.kind, "verdict");
  assert.equal(result.verdict.verdict.category, "suspicious");
  assert.equal(result.verdict.links.page, "https://r.example/p/demo/B0DEMO0005/");
  assert.match(collect.interpretSubmission(0, null).message, /cannot be reached/);
});
