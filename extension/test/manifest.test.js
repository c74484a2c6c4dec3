"use strict";

const test = require("node:test");
const assert = require("node:assert/strict");
const fs = require("node:fs");
const path = require("node:path");

const root = path.join(__dirname, "..");
const manifest = JSON.parse(fs.readFileSync(path.join(root, "manifest.json"), "utf8"));

test("the manifest is Manifest V3 for Chrome and Firefox", () => {
  assert.equal(manifest.manifest_version, 3);
  assert.equal(manifest.background.service_worker, "background.js"); // Chrome
  assert.deepEqual(manifest.background.scripts, ["lib/core.js", "background.js"]); // Firefox
  assert.ok(manifest.browser_specific_settings.gecko.id);
});

test("it asks for no permission beyond storage and no host access beyond product pages", () => {
  assert.deepEqual(manifest.permissions, ["storage"]);
  assert.equal(manifest.host_permissions, undefined);
  assert.equal(manifest.optional_permissions, undefined);
  for (const pattern of manifest.content_scripts.flatMap((script) => script.matches)) {
    assert.match(pattern, /^(https:\/\/www\.amazon\.[a-z.]+\/(\*dp|gp\/product)\/\*|http:\/\/(127\.0\.0\.1|localhost)\/demo-market\/\*)$/, pattern);
  }
});

test("every file it names exists and no script is loaded from elsewhere", () => {
  const named = [
    manifest.background.service_worker,
    ...manifest.background.scripts,
    manifest.options_ui.page,
    ...manifest.content_scripts.flatMap((script) => [...script.js, ...script.css]),
  ];
  for (const file of named) assert.ok(fs.existsSync(path.join(root, file)), file);
  assert.equal(manifest.content_security_policy, undefined, "the default CSP forbids remote code");
  const html = fs.readFileSync(path.join(root, "options.html"), "utf8");
  for (const [, src] of html.matchAll(/<script[^>]*src="([^"]+)"/g)) {
    assert.ok(!/^[a-z]+:/i.test(src) && !src.startsWith("//"), src);
  }
});

test("no script evaluates strings as code or writes HTML", () => {
  for (const file of ["background.js", "content.js", "options.js", "lib/core.js", "lib/parse.js", "lib/collect.js"]) {
    const source = fs.readFileSync(path.join(root, file), "utf8");
    assert.doesNotMatch(source, /\beval\(|new Function\(|innerHTML|outerHTML|insertAdjacentHTML/, file);
  }
});
