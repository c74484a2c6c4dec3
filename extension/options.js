"use strict";

(function () {
  const ext = globalThis.browser || globalThis.chrome;
  const input = document.getElementById("server");
  const status = document.getElementById("status");

  ext.storage.sync.get({ server: ReviewSec.DEFAULT_SERVER }).then((stored) => {
    input.value = stored.server;
  });

  document.getElementById("options").addEventListener("submit", async (event) => {
    event.preventDefault();
    try {
      const server = ReviewSec.normaliseServerUrl(input.value);
      await ext.storage.sync.set({ server });
      input.value = server;
      status.textContent = "Saved.";
    } catch (error) {
      status.textContent = error.message;
    }
  });
})();
