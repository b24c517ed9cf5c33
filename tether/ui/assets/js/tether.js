// Tether's only script: start GOV.UK Frontend's components. Loaded as an external ES module (no inline
// scripts, so a strict Content-Security-Policy can forbid them). A browser that runs modules supports
// govuk-frontend v5+, so the body classes its CSS keys on are set here rather than by an inline snippet.
import { initAll } from "../../govuk/govuk-frontend.min.js";

document.body.classList.add("js-enabled", "govuk-frontend-supported");
initAll();
