"use strict";

// The text rules of lib/parse.js. The DOM rules run in Chromium against every saved Amazon page
// (tests/extension/test_parser_parity.py), compared field by field with the crawler's parser.
const test = require("node:test");
const assert = require("node:assert/strict");
const parse = require("../lib/parse.js");
const spec = require("../lib/review_spec.json");

test("date lines give an ISO date and the country, in the shop's languages", () => {
  const cases = [
    ["Reviewed in the United States on July 1, 2024", "amazon.com", "2024-07-01", "United States"],
    ["Reviewed in Germany on June 6, 2021", "amazon.com", "2021-06-06", "Germany"],
    ["Rezension aus Deutschland vom 6. Juni 2021", "amazon.de", "2021-06-06", "Deutschland"],
    ["Commenté aux États-Unis le 1er août 2022", "amazon.fr", "2022-08-01", "États-Unis"],
    ["Recensito negli Stati Uniti l'8 agosto 2021", "amazon.it", "2021-08-08", "Stati Uniti"],
    ["Zrecenzowano w Polsce dnia 6 czerwca 2021", "amazon.pl", "2021-06-06", "Polsce"],
    ["Türkiye'de 6 Haziran 2021 tarihinde değerlendirildi", "amazon.com.tr", "2021-06-06", "Türkiye"],
    ["2021年6月6日に日本でレビュー済み", "amazon.co.jp", "2021-06-06", "日本"],
    ["14 novembre 2018", "amazon.it", "2018-11-14", ""],
    ["on 3 June 2016", "amazon.co.uk", "2016-06-03", ""],
  ];
  for (const [line, marketplace, date, country] of cases) {
    assert.deepEqual(parse.parseReviewDate(spec, line, marketplace), { date, country }, line);
  }
});

test("an unreadable date is null rather than a guess", () => {
  assert.deepEqual(parse.parseReviewDate(spec, "Reviewed recently", "amazon.com"), { date: null, country: "" });
  assert.equal(parse.parseDate(spec, "February 30, 2024", "amazon.com"), null);
});

test("helpful votes and ratings read as the crawler reads them", () => {
  assert.equal(parse.parseHelpfulVotes(spec, "One person found this helpful"), 1);
  assert.equal(parse.parseHelpfulVotes(spec, "1,234 people found this helpful"), 1234);
  assert.equal(parse.parseHelpfulVotes(spec, "921 persone l'hanno trovato utile"), 921);
  assert.equal(parse.parseHelpfulVotes(spec, ""), 0);
  assert.equal(parse.parseRating(spec, "5,0 su 5 stelle"), 5);
  assert.equal(parse.parseRating(spec, "5つ星のうち4.3"), 4.3);
  assert.equal(parse.parseStarClass(spec, "a-icon a-icon-star a-star-4 review-rating"), 4);
  assert.equal(parse.parseStarClass(spec, "a-icon-star a-star-4-5"), null);
});
