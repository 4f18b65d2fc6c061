// Progressive enhancement only: every page works without this script.
// The CSP allows no inline script, so GOV.UK Frontend's usual inline body-class
// snippet lives here: a browser that runs this module supports GOV.UK Frontend,
// and initAll() does nothing unless <body> has "govuk-frontend-supported".
import { initAll } from "./govuk/govuk-frontend.min.js";

document.body.classList.add("js-enabled", "govuk-frontend-supported");
initAll();

// "Print this case": a button only a browser running this script can use, so it is hidden until now.
for (const button of document.querySelectorAll("[data-app-print]")) {
  if (button.dataset.appPrintReady) continue;  // one listener, however often this module runs
  button.dataset.appPrintReady = "true";
  button.hidden = false;
  button.addEventListener("click", () => window.print());
}
