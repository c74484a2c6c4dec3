/*
 * Reviews out of a review-list page, with the field rules of the crawler's Python parser
 * (crawler/parsing/reviews.py): both read lib/review_spec.json, a copy of
 * crawler/parsing/review_spec.json. Works on any DOM Document (DOMParser in the content script
 * and in tests inside Chromium); the text rules are plain functions Node's tests can call.
 * Loaded as a classic script (sets globalThis.ReviewSecParse) or as a CommonJS module.
 */
(function (root) {
  "use strict";

  const JAPANESE_DATE = /(\d{4})年\s*(\d{1,2})月\s*(\d{1,2})日/;
  const COMPILED = new WeakMap();

  /** The spec's regular expressions, compiled once per spec object. */
  function compile(spec) {
    if (COMPILED.has(spec)) return COMPILED.get(spec);
    const p = spec.patterns;
    const months = new Map();
    for (const names of Object.values(spec.months)) {
      names.split(" ").forEach((forms, index) => {
        for (const form of forms.split("|")) months.set(form.toLowerCase(), index + 1);
      });
    }
    const compiled = {
      reviewId: new RegExp(p.review_id),
      reviewIdLoose: new RegExp(p.review_id_loose),
      reviewLinkId: new RegExp(p.review_link_id),
      profileId: new RegExp(p.profile_id),
      vine: new RegExp(p.vine_text, "iu"),
      starClass: new RegExp(p.star_class),
      groupedInt: new RegExp(p.grouped_int, "gu"),
      decimal: new RegExp(p.decimal, "g"),
      one: new RegExp(p.helpful_one, "iu"),
      sentences: spec.date_sentences.map((source) => new RegExp(source, "iu")),
      months,
    };
    COMPILED.set(spec, compiled);
    return compiled;
  }

  // --- Text rules (no DOM) -------------------------------------------------------------------

  function cleanText(text) {
    return String(text || "").replace(/\u200b/g, "").replace(/\s+/g, " ").trim();
  }

  function parseInts(spec, text) {
    if (!text) return [];
    return (String(text).match(compile(spec).groupedInt) || []).map((m) => Number(m.replace(/\D/g, "")));
  }

  /** Python's round(): halves go to the even neighbour. */
  function roundHalfEven(value) {
    const floor = Math.floor(value);
    const diff = value - floor;
    if (diff > 0.5) return floor + 1;
    if (diff < 0.5) return floor;
    return floor % 2 === 0 ? floor : floor + 1;
  }

  /** A star rating out of 5 ("4.0 out of 5 stars", "4,7 su 5", "5つ星のうち4.3"), else null. */
  function parseRating(spec, text) {
    if (!text) return null;
    let line = String(text);
    if (line.includes("うち")) line = line.split("うち").slice(1).join("うち");
    const decimals = line.match(compile(spec).decimal);
    let value;
    if (decimals) value = Number(decimals[0].replace(",", "."));
    else {
      const whole = parseInts(spec, line);
      if (!whole.length) return null;
      value = whole[0];
    }
    return value > 0 && value <= 5 ? value : null;
  }

  function parseStarClass(spec, classAttr) {
    const match = compile(spec).starClass.exec(classAttr || "");
    return match ? Number(match[1]) : null;
  }

  /** People who found a review helpful; 0 without a statement, null when unreadable. */
  function parseHelpfulVotes(spec, text) {
    if (!text || !String(text).trim()) return 0;
    const numbers = parseInts(spec, text);
    if (numbers.length) return numbers[0];
    return compile(spec).one.test(String(text).trim()) ? 1 : null;
  }

  function isoDate(year, month, day) {
    const date = new Date(Date.UTC(year, month - 1, day));
    if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) {
      return null;
    }
    return date.toISOString().slice(0, 10);
  }

  /** A calendar date ("July 1, 2024", "6. Juni 2021", "1er août 2022") as YYYY-MM-DD, else null. */
  function parseDate(spec, text, marketplace) {
    const line = String(text || "").trim();
    const japanese = JAPANESE_DATE.exec(line);
    if (japanese) return isoDate(Number(japanese[1]), Number(japanese[2]), Number(japanese[3]));
    const { months } = compile(spec);
    const words = line.toLowerCase().replace(/(\d)(?:er|st|nd|rd|th|º|°)\b/gu, "$1").split(/[\s,.\-/]+/u);
    let month = null;
    const numbers = [];
    for (const word of words) {
      if (/^\d+$/.test(word)) numbers.push(Number(word));
      else if (month === null && months.has(word)) month = months.get(word);
    }
    const year = numbers.find((n) => n >= 1000);
    const rest = numbers.filter((n) => n < 1000);
    if (month !== null) {
      if (year === undefined || rest.length !== 1) return null;
      return isoDate(year, month, rest[0]);
    }
    if (numbers.length !== 3) return null;
    const order = spec.date_order[marketplace] || spec.date_order.default;
    const parts = {};
    [...order].forEach((key, index) => (parts[key] = numbers[index]));
    return isoDate(parts.Y, parts.M, parts.D);
  }

  /** A review's date line split into {date: "YYYY-MM-DD"|null, country: "" when not shown}. */
  function parseReviewDate(spec, text, marketplace) {
    const line = String(text || "").replace(/\s+/g, " ").trim();
    if (!line) return { date: null, country: "" };
    for (const sentence of compile(spec).sentences) {
      const match = sentence.exec(line);
      if (match) {
        return {
          date: parseDate(spec, match.groups.date, marketplace),
          country: (match.groups.country || "").trim(),
        };
      }
    }
    return { date: parseDate(spec, line, marketplace), country: "" };
  }

  // --- DOM rules --------------------------------------------------------------------------

  const TEXT_NODE = 3;
  const SPACES = /[ \t\r\f\v\u00a0\u200b\u200e\u200f]+/g;

  /** Text nodes under `element` in document order (the element's own included). */
  function textNodes(element) {
    const found = [];
    const walk = (node) => {
      for (const child of node.childNodes) {
        if (child.nodeType === TEXT_NODE) found.push(child);
        else if (child.nodeType === 1) walk(child);
      }
    };
    walk(element);
    return found;
  }

  function ownTextNodes(element) {
    return [...element.childNodes].filter((child) => child.nodeType === TEXT_NODE);
  }

  /** What a person reads in `element`: text outside `exclude`, <br> as a line break. */
  function elementText(element, exclude, multiline) {
    const pieces = [];
    const walk = (node) => {
      for (const child of node.childNodes) {
        if (child.nodeType === TEXT_NODE) {
          if (!(exclude && child.parentElement && child.parentElement.closest(exclude))) pieces.push(child.data);
        } else if (child.nodeType === 1) {
          if (child.localName === "br") pieces.push("\n");
          else walk(child);
        }
      }
    };
    walk(element);
    const raw = pieces.join("");
    if (!multiline) return cleanText(raw);
    const lines = raw.split("\n").map((line) => line.replace(SPACES, " ").trim());
    return lines.join("\n").replace(/\n{3,}/g, "\n\n").trim();
  }

  /** A copy of `element` without its descendants matching `selectors` (their tails kept). */
  function without(element, selectors) {
    if (!element.querySelector(selectors)) return element;
    const copy = element.cloneNode(true);
    for (const node of copy.querySelectorAll(selectors)) node.remove();
    return copy;
  }

  function reviewId(spec, block) {
    const re = compile(spec);
    const own = (block.getAttribute("id") || "").replace(/^customer_review-/, "");
    if (re.reviewId.test(own)) return own;
    for (const link of block.querySelectorAll(spec.selectors.review_links)) {
      const match = re.reviewLinkId.exec(link.getAttribute("href") || "");
      if (match) return match[1];
    }
    return re.reviewIdLoose.test(own) ? own : "";
  }

  function reviewRating(spec, block) {
    let icon = block.querySelector(spec.selectors.rating_icon);
    if (!icon) icon = block.querySelector(spec.selectors.rating_icon_fallback);
    if (!icon) return null;
    let stars = parseStarClass(spec, icon.getAttribute("class"));
    if (stars === null) {
      const value = parseRating(spec, textNodes(icon).map((n) => n.data).join(" "));
      stars = value ? roundHalfEven(value) : null;
    }
    return stars && stars >= 1 && stars <= 5 ? stars : null;
  }

  function firstText(block, selectors) {
    for (const element of block.querySelectorAll(selectors)) {
      const own = ownTextNodes(element);
      if (own.length) return own[0].data;
    }
    return null;
  }

  function reviewerName(spec, block) {
    const name = firstText(block, spec.selectors.reviewer_name);
    if (name) return cleanText(name);
    const parts = [...block.querySelectorAll(spec.selectors.reviewer_author)]
      .flatMap(textNodes)
      .map((n) => cleanText(n.data))
      .filter(Boolean);
    return parts.length ? parts[parts.length - 1] : "";
  }

  function profileId(spec, block) {
    for (const link of block.querySelectorAll(spec.selectors.profile_links)) {
      const match = compile(spec).profileId.exec(link.getAttribute("href") || "");
      if (match) return match[1];
    }
    return "";
  }

  function isVine(spec, block) {
    if (block.querySelector(spec.selectors.vine)) return true;
    const labels = [...block.querySelectorAll(spec.selectors.vine_labels)].flatMap(textNodes);
    return labels.some((n) => compile(spec).vine.test(n.data));
  }

  function variant(spec, block) {
    const strip = block.querySelector(spec.selectors.variant);
    if (!strip) return "";
    const parts = textNodes(strip).map((n) => cleanText(n.data));
    return parts.filter((part) => part && part !== "|").join(" | ");
  }

  /** One review block as the API's review object; null without an id or a rating. */
  function parseReview(spec, block, marketplace) {
    const s = spec.selectors;
    const id = reviewId(spec, block);
    const rating = reviewRating(spec, block);
    if (!id || rating === null) return null;
    const title = block.querySelector(s.title);
    const body = block.querySelector(s.body) || block.querySelector(s.body_fallback);
    const dateLine = cleanText(
      [...block.querySelectorAll(s.date)].flatMap(textNodes).map((n) => n.data).join(" "),
    );
    const { date, country } = parseReviewDate(spec, dateLine, marketplace);
    const helpful = block.querySelector(s.helpful);
    const statement = helpful ? cleanText(textNodes(helpful).map((n) => n.data).join(" ")) : "";
    return {
      review_id: id,
      rating,
      title: title ? cleanText(elementText(without(title, s.title_not_part), s.not_content, false)) : "",
      body: body ? elementText(body, s.not_content, true) : "",
      posted_date: date,
      country,
      verified_purchase: Boolean(block.querySelector(s.verified)),
      helpful_votes: parseHelpfulVotes(spec, statement) || 0,
      reviewer_name: reviewerName(spec, block),
      profile_id: profileId(spec, block),
      variant: variant(spec, block),
      image_count: block.querySelectorAll(s.images).length,
      vine: isVine(spec, block),
    };
  }

  /** Every readable review on a page, in page order, each once. */
  function parseReviews(spec, doc, marketplace) {
    const seen = new Set();
    const reviews = [];
    for (const block of doc.querySelectorAll(spec.selectors.review_blocks)) {
      // Broken HTML can nest the next review inside this one; read each on its own.
      const review = parseReview(spec, without(block, spec.selectors.review_blocks), marketplace);
      if (review && !seen.has(review.review_id)) {
        seen.add(review.review_id);
        reviews.push(review);
      }
    }
    return reviews;
  }

  /** What kind of review-list page came back: "ok", "robot_check" or "signin_required". */
  function pageKind(spec, doc, url) {
    if (doc.querySelector(spec.selectors.robot_check)) return "robot_check";
    if ((doc.title || "").includes(spec.patterns.robot_check_title)) return "robot_check";
    let path = "";
    try {
      path = new URL(url).pathname;
    } catch {
      path = "";
    }
    if (path.includes(spec.patterns.signin_path) || doc.querySelector(spec.selectors.signin_wall)) {
      return "signin_required";
    }
    return "ok";
  }

  /** The review list's page-level facts: the next page's link and the written-review count. */
  function pageFacts(spec, doc) {
    const next = doc.querySelector(spec.selectors.next_page);
    const info = [...doc.querySelectorAll(spec.selectors.reviews_expected)];
    const numbers = parseInts(spec, info.flatMap(textNodes).map((n) => n.data).join(" "));
    return {
      nextPage: next ? next.getAttribute("href") : null,
      reviewsExpected: numbers.length ? numbers[numbers.length - 1] : null,
    };
  }

  const api = {
    cleanText,
    parseInts,
    parseRating,
    parseStarClass,
    parseHelpfulVotes,
    parseDate,
    parseReviewDate,
    parseReview,
    parseReviews,
    pageKind,
    pageFacts,
  };
  if (typeof module !== "undefined" && module.exports) module.exports = api;
  else root.ReviewSecParse = api;
})(typeof globalThis !== "undefined" ? globalThis : this);
