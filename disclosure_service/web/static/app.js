// Progressive enhancement only: every page works without this script.
// The CSP allows no inline script, so GOV.UK Frontend's usual inline body-class
// snippet lives here: a browser that runs this module supports GOV.UK Frontend,
// and initAll() does nothing unless <body> has "govuk-frontend-supported".
import { initAll } from "./govuk/govuk-frontend.min.js";

document.body.classList.add("js-enabled", "govuk-frontend-supported");
initAll();
