/**
 * The dashboard's entry: each view registers itself when imported (the import order is the
 * menu's order), then the shell starts routing.
 */
import "./views/usage";
import "./views/logs";
import "./views/providers";
import "./views/models";
import "./views/aliases";
import "./views/clients";
import "./views/jobs";
import "./views/users";
import "./views/audit";
import "./views/alerts";
import "./views/account";
import { start } from "./shell";

start();
