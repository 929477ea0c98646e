// GOV.UK Frontend's JavaScript enhancements. Every page also works without it.
import { initAll } from "/static/govuk/govuk-frontend.min.js";

initAll();

// Printing: every <details> printed open (the print stylesheet does it too, where the
// browser lets CSS open them), then closed again as it was.
const closed = [];
window.addEventListener("beforeprint", () => {
  for (const details of document.querySelectorAll("details:not([open])")) {
    closed.push(details);
    details.open = true;
  }
});
window.addEventListener("afterprint", () => {
  for (const details of closed.splice(0)) details.open = false;
});
