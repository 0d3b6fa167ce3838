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

/** Index just past the string that starts at `index` (a `"`). */
function stringEnd(text: string, index: number): number {
  for (let at = index + 1; at < text.length; at++) {
    const code = text.charCodeAt(at);
    if (code === 92) at++;
    else if (code === 34) return at + 1;
  }
  return text.length;
}

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
  for (let at = index; at < text.length; at++) {
    const code = text.charCodeAt(at);
    if (code === 34) at = stringEnd(text, at) - 1;
    else if (code === 123 || code === 91) depth++;
    else if (code === 125 || code === 93) {
      depth--;
      if (depth === 0) return at + 1;
    }
  }
  return text.length;
}

/** The top-level members of an object's text, in order (duplicates included). */
function topLevelMembers(text: string): { open: number; members: Member[] } {
  const open = skipWhitespace(text, 0);
  const members: Member[] = [];
  let at = skipWhitespace(text, open + 1);
  while (at < text.length && text.charCodeAt(at) === 34) {
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
  return { open, members };
}

/**
 * Sets a top-level field to `value` (any JSON value): every occurrence is replaced in place
 * (JSON.parse keeps the last of duplicate keys; an upstream might keep the first), or the field
 * is added first when absent.
 */
export function setTopLevelField(text: string, key: string, value: unknown): string {
  const { open, members } = topLevelMembers(text);
  const encoded = JSON.stringify(value);
  const matching = members.filter((member) => member.key === key);
  if (matching.length === 0) {
    const empty = members.length === 0;
    return `${text.slice(0, open + 1)}${JSON.stringify(key)}:${encoded}${empty ? "" : ","}${text.slice(open + 1)}`;
  }
  let edited = text;
  // From the end, so earlier offsets stay valid.
  for (const member of matching.reverse()) edited = `${edited.slice(0, member.valueStart)}${encoded}${edited.slice(member.valueEnd)}`;
  return edited;
}
