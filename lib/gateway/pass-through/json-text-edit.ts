/**
 * Edits of a JSON object's text that leave every other byte as the client sent it: the
 * pass-through changes only what it must (the model id, a streamed chat's usage request), so
 * unknown fields, key order, number spelling and whitespace reach the upstream untouched.
 * The text must already be known to be a valid JSON object (it was parsed before).
 */

/** One top-level member: where its value starts and ends in the text. */
interface Member {
  key: string;
  valueStart: number;
  valueEnd: number;
}

function skipWhitespace(text: string, index: number): number {
  while (index < text.length) {
    const code = text.charCodeAt(index);
    if (code !== 32 && code !== 9 && code !== 10 && code !== 13) break;
    index++;
  }
  return index;
}

/** The rest of a string after its opening quote: runs without `"` or `\\`, each escape whole. */
const STRING_REST = /[^"\\]*(?:\\.[^"\\]*)*"/y;

/**
 * Index just past the string that starts at `index` (a `"`), found by one regular-expression
 * match rather than a loop over its characters: most of a request body's bytes are inside
 * strings (a 190 KB agent body took about 300 µs character by character). The match keeps a
 * backtrack entry per escape, so a string of millions of them exhausts its stack: that one is
 * read character by character.
 */
function stringEnd(text: string, index: number): number {
  STRING_REST.lastIndex = index + 1;
  try {
    return STRING_REST.test(text) ? STRING_REST.lastIndex : text.length;
  } catch {
    return stringEndByCharacters(text, index);
  }
}

function stringEndByCharacters(text: string, index: number): number {
  for (let at = index + 1; at < text.length; at++) {
    const code = text.charCodeAt(at);
    if (code === 92) at++;
    else if (code === 34) return at + 1;
  }
  return text.length;
}

/** The next quote or bracket, wherever the scan of a container stands. */
const STRUCTURE = /["[\]{}]/g;

/** Index just past the value that starts at `index`. */
function valueEnd(text: string, index: number): number {
  const first = text.charCodeAt(index);
  if (first === 34) return stringEnd(text, index);
  if (first !== 123 && first !== 91) {
    let at = index;
    while (at < text.length) {
      const code = text.charCodeAt(at);
      if (code === 44 || code === 125 || code === 93 || code === 32 || code === 9 || code === 10 || code === 13) break;
      at++;
    }
    return at;
  }
  let depth = 0;
  STRUCTURE.lastIndex = index;
  for (let match = STRUCTURE.exec(text); match !== null; match = STRUCTURE.exec(text)) {
    const code = text.charCodeAt(match.index);
    if (code === 34) STRUCTURE.lastIndex = stringEnd(text, match.index);
    else if (code === 123 || code === 91) depth++;
    else if (--depth === 0) return match.index + 1;
  }
  return text.length;
}

/**
 * The top-level members of an object's text, in order (duplicates included), up to the first
 * whose key starts after `lastKeyAt`; `more` tells whether members were left unread.
 */
function topLevelMembers(text: string, lastKeyAt: number): { open: number; members: Member[]; more: boolean } {
  const open = skipWhitespace(text, 0);
  const members: Member[] = [];
  let at = skipWhitespace(text, open + 1);
  while (at < text.length && text.charCodeAt(at) === 34) {
    if (at > lastKeyAt) return { open, members, more: true };
    const keyEnd = stringEnd(text, at);
    const key = JSON.parse(text.slice(at, keyEnd)) as string;
    at = skipWhitespace(text, keyEnd);
    at = skipWhitespace(text, at + 1); // past ':'
    const end = valueEnd(text, at);
    members.push({ key, valueStart: at, valueEnd: end });
    at = skipWhitespace(text, end);
    if (text.charCodeAt(at) !== 44) break;
    at = skipWhitespace(text, at + 1);
  }
  return { open, members, more: false };
}

/** Keys that only a `\u` escape can spell other than literally. */
const PLAIN_KEY = /^[A-Za-z0-9_]+$/;

/**
 * Sets a top-level field to `value` (any JSON value): every occurrence is replaced in place
 * (JSON.parse keeps the last of duplicate keys; an upstream might keep the first), or the field
 * is added first when absent. Members after the key's last literal occurrence in the text are
 * not read: none of them can be the key unless the text holds a `\u` escape, which could spell
 * it otherwise. A large body (an agent's, hundreds of KB) whose `model` comes first is then
 * read no further than that.
 */
export function setTopLevelField(text: string, key: string, value: unknown): string {
  const quoted = JSON.stringify(key);
  const lastKeyAt = PLAIN_KEY.test(key) && !text.includes("\\u") ? text.lastIndexOf(quoted) : text.length;
  const { open, members, more } = topLevelMembers(text, lastKeyAt);
  const encoded = JSON.stringify(value);
  const matching = members.filter((member) => member.key === key);
  if (matching.length === 0) {
    const empty = members.length === 0 && !more;
    return `${text.slice(0, open + 1)}${quoted}:${encoded}${empty ? "" : ","}${text.slice(open + 1)}`;
  }
  let edited = text;
  // From the end, so earlier offsets stay valid.
  for (const member of matching.reverse()) edited = `${edited.slice(0, member.valueStart)}${encoded}${edited.slice(member.valueEnd)}`;
  return edited;
}
