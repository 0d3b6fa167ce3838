/**
 * Joins the browser modules into the one script served as `/admin/assets/app.js`: core first,
 * then each view (their order is the menu's order), then the start-up code. Wrapped in a
 * strict-mode function so nothing leaks onto `window`.
 */
import { CLIENT_ALERTS } from "./client-alerts";
import { CLIENT_CLIENTS } from "./client-clients";
import { CLIENT_CORE } from "./client-core";
import { CLIENT_LOGS } from "./client-logs";
import { CLIENT_MODELS } from "./client-models";
import { CLIENT_PROVIDERS } from "./client-providers";
import { CLIENT_USAGE } from "./client-usage";

const START = String.raw`
window.addEventListener("hashchange", navigate);
navigate();
`;

/** The dashboard's browser script. */
export const DASHBOARD_APP_JS = [
  "(function () {",
  '"use strict";',
  CLIENT_CORE,
  CLIENT_USAGE,
  CLIENT_LOGS,
  CLIENT_PROVIDERS,
  CLIENT_MODELS,
  CLIENT_CLIENTS,
  CLIENT_ALERTS,
  START,
  "})();",
  "",
].join("\n");
