/**
 * Admin usernames are compared in one normalised form, computed here and nowhere else: the
 * stored name, the login lookup and the login lockout key all use it, so the identity a lockout
 * protects is exactly the identity a login can reach, whatever the database's collation treats
 * as equal.
 */

/** Characters that render as nothing: format characters (zero-width spaces and joiners, bidi marks, BOM, soft hyphen) and other default-ignorable code points. */
const INVISIBLE = /[\p{Cf}\p{Default_Ignorable_Code_Point}\p{Cc}]/gu;

/**
 * The normalised form of a username: NFKC (fullwidth and compatibility forms become plain
 * letters), invisible and control characters removed, case-folded (`ß` -> `ss`), trimmed.
 * Accents are kept: `àdmin` is another name than `admin`.
 */
export function normaliseUsername(raw: string): string {
  const visible = raw.normalize("NFKC").replace(INVISIBLE, "");
  // Upper then lower approximates Unicode full case folding (ß -> SS -> ss, ﬁ -> FI -> fi);
  // casing, and removing an invisible character between a letter and its accent, can leave
  // sequences that are not composed, hence the second NFKC.
  return visible.toUpperCase().toLowerCase().normalize("NFKC").trim();
}
