// Entente: progressive enhancement only. Every page works without this file.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  for (const button of document.querySelectorAll("button[data-copy]")) {
    if (!navigator.clipboard) continue;
    button.hidden = false;
    button.addEventListener("click", async () => {
      try {
        await navigator.clipboard.writeText(window.location.href);
        button.textContent = "Link copied";
      } catch {
        button.textContent = "Copy failed: use the address bar";
      }
      setTimeout(() => { button.textContent = "Copy link"; }, 2500);
    });
  }
});
