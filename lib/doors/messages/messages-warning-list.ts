/**
 * The translation warnings of one Messages request, one per field and action: Claude Code resends
 * the whole history every turn, and fifty dropped `server_tool_use` blocks are one fact, not fifty.
 */
import { adjusted, dropped, emulated, type TranslationWarning } from "../../providers/provider-spec";

/** Collects warnings, keeping the first message of each (action, field) pair. */
export class WarningList {
  readonly #byKey = new Map<string, TranslationWarning>();

  /** Notes a field that was not sent. */
  dropped(field: string, message: string): void {
    this.#add(dropped(field, message));
  }

  /** Notes a field that was sent with another value. */
  adjusted(field: string, message: string): void {
    this.#add(adjusted(field, message));
  }

  /** Notes a field that was sent in another form. */
  emulated(field: string, message: string): void {
    this.#add(emulated(field, message));
  }

  /** The warnings, in the order they were first noted. */
  list(): TranslationWarning[] {
    return [...this.#byKey.values()];
  }

  #add(warning: TranslationWarning): void {
    const key = `${warning.action} ${warning.field}`;
    if (!this.#byKey.has(key)) this.#byKey.set(key, warning);
  }
}
