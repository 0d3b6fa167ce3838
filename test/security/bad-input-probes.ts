/**
 * Builds the hostile requests of the bad-input corpus from the route tables: every probe breaks
 * one thing of an otherwise valid request, so the answer must name that thing.
 */
import { BODY_ROUTES, PARAM_ROUTES, QUERY_ROUTES, type BodyRoute, type Caller, type FieldSpec } from "./bad-input-routes";

/** One hostile request. */
export interface Probe {
  route: string;
  category: string;
  label: string;
  method: string;
  path: string;
  caller: Caller;
  /** Overrides the caller's Authorization header (`null`: none). */
  authorization?: string | null;
  contentType?: string | null;
  body?: string | Uint8Array | (() => ReadableStream<Uint8Array>);
  /** Statuses accepted; every other one fails the probe. @default 400..499 */
  statuses?: (status: number) => boolean;
  /** The answer's message must match: it names what is wrong. */
  mention: RegExp;
}

/** Values the fixture fills into `{keyId}` and friends. */
export interface ProbeFixture {
  keyId: number;
  clientId: number;
  webhookId: number;
  userId: number;
  maxBodyBytes: number;
}

const SQL = "' OR 1=1; DROP TABLE t_ai_providers; --";
const INJECTIONS = [SQL, "../../../../etc/passwd", "__proto__", "constructor", "<script>alert(1)</script>", "${jndi:ldap://x/a}", "%00"];
const CONTROL = ["nul\u0000byte", "cr\r\nInjected: header", "esc\u001b[31m"];
/** Raw JSON texts (numbers JSON.stringify cannot write, deep nests), spliced in by index. */
const rawTokens: string[] = [];
const RAW = (token: string) => `\u0001raw:${rawTokens.push(token) - 1}`;

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** Matches a field's name as written (`maxTokens`) or as words (`max tokens`, `max_tokens`). */
function nameOf(field: string): RegExp {
  const words = field.split(/(?=[A-Z])|_/).map((word) => escapeRegExp(word.toLowerCase()));
  return new RegExp(words.join("[ _]?"), "i");
}

/** JSON text of `body`, raw tokens spliced in. */
function jsonText(body: Record<string, unknown>): string {
  return JSON.stringify(body).replace(/"\\u0001raw:(\d+)"/g, (_, index: string) => rawTokens[Number(index)]);
}

/** Wrong values for a field: wrong types, out of range, bad text, injections. */
export function badValues(field: FieldSpec, onDoor = false): Array<{ category: string; value: unknown }> {
  const values: Array<{ category: string; value: unknown }> = [];
  const add = (category: string, ...list: unknown[]) => list.forEach((value) => values.push({ category, value }));
  const wrongTypes: Record<string, unknown[]> = {
    text: [12345, true, [], {}],
    code: [12345, false, ["a"], { a: 1 }],
    url: [42, true, ["https://example.com"]],
    time: [],
    int: ["12", true, [1], { n: 1 }],
    number: ["0.5", false, [0.5]],
    boolean: ["true", 1, "yes", {}],
    enum: [7, true, ["openai"]],
    list: ["gpt-4o-mini", 5, { a: "b" }, [1, 2]],
    messages: ["hello", {}, [], [{}], [{ role: "hacker", content: "x" }], [{ role: "user", content: 5 }]],
    object: [true, 12, null],
  };
  add("wrong type", ...wrongTypes[field.kind]);
  if (!field.nullable && field.kind !== "object" && field.kind !== "time") add("wrong type", null);
  if (field.kind === "int" || field.kind === "number") {
    if (field.min !== undefined) add("out of range", field.min - 1, -1e308);
    if (field.max !== undefined) add("out of range", field.max + 1, 1e308);
    add("out of range", RAW("1e999"), RAW("-1e999"));
    if (field.kind === "int") add("out of range", 1.5, RAW(String(2 ** 53 + 1) + "1"));
  }
  if (field.kind === "text" || field.kind === "code" || field.kind === "url") {
    if ((field.min ?? 0) >= 1) add("out of range", "", "   ");
    if (field.max !== undefined) add("out of range", "x".repeat(field.max + 1));
  }
  // `__proto__` and `constructor` are fine codes for a provider or model an admin adds; on a door they name no model.
  const injections = field.kind === "code" && !onDoor ? INJECTIONS.filter((value) => value !== "__proto__" && value !== "constructor") : INJECTIONS;
  if (field.kind === "code" || field.kind === "url" || field.kind === "enum") add("injection", ...injections);
  if (field.kind === "url") add("injection", "javascript:alert(1)", "file:///etc/passwd", "ftp://example.com/", "http://169.254.169.254/latest", "http://[::1]:6379/");
  if (field.kind === "int") add("injection", "1 OR 1=1", "0x10");
  return values;
}

/** The path of a body route with the fixture's ids filled in. */
function pathOf(route: BodyRoute, fixture: ProbeFixture): string {
  return route.path.replace("{keyId}", String(fixture.keyId)).replace("{clientId}", String(fixture.clientId)).replace("{webhookId}", String(fixture.webhookId)).replace("{userId}", String(fixture.userId));
}

/** Probes of one JSON-body route. */
export function bodyProbes(route: BodyRoute, fixture: ProbeFixture): Probe[] {
  const path = pathOf(route, fixture);
  const base = { route: route.name, method: route.method, path, caller: route.caller };
  const probes: Probe[] = [];
  const send = (category: string, label: string, body: Probe["body"], mention: RegExp, extra: Partial<Probe> = {}) =>
    probes.push({ ...base, category, label, body, mention, contentType: "application/json", ...extra });

  const malformed = ["{", '{"model":', "not json", "{'single': 1}", '{"a":1,}', "[]", "null", '"text"', "42", "", '{"a":1} trailing', '{"a":NaN}', "\uFEFF{}", "\u0000"];
  for (const text of malformed) send("malformed JSON", JSON.stringify(text).slice(0, 24), text, /json|body|object|empty|content|expected|invalid|required/i);

  const deepArray = "[".repeat(10_000) + "]".repeat(10_000);
  const deepObject = '{"a":'.repeat(10_000) + "1" + "}".repeat(10_000);
  const [first] = route.fields;
  send("deep nesting", "10,000 arrays at the top", deepArray, /nest|deep|object|body|json/i);
  send("deep nesting", "10,000 objects at the top", deepObject, /nest|deep|object|body|json|required/i);
  // Inside a field: a known one (a wrong type there), and an unknown one where bodies pass fields through.
  send("deep nesting", `10,000 arrays in ${first.name}`, jsonText({ ...route.body, [first.name]: RAW(deepArray) }), new RegExp(`nest|deep|${nameOf(first.name).source}`, "i"));
  if (route.caller === "client") send("deep nesting", "10,000 objects in metadata", jsonText({ ...route.body, metadata: RAW(deepObject) }), /nest|deep/i);

  for (const field of route.fields) {
    const mention = nameOf(field.name);
    for (const { category, value } of badValues(field, route.caller === "client")) {
      const shown = typeof value === "string" ? JSON.stringify(value.slice(0, 20)) : JSON.stringify(value)?.slice(0, 20);
      send(category, `${field.name} = ${shown}`, jsonText({ ...route.body, [field.name]: value }), mention);
    }
    if ((field.kind === "text" || field.kind === "code" || field.kind === "url") && !field.freeText) {
      // Control characters are refused in what admins type; on the doors a model named so is unknown.
      for (const text of CONTROL) send("control characters", `${field.name} with ${JSON.stringify(text)}`, jsonText({ ...route.body, [field.name]: field.kind === "url" ? `https://exa${text}mple.com/` : `ab${text}` }), mention);
    }
    if (field.required) {
      const { [field.name]: _dropped, ...rest } = route.body;
      send("missing field", `no ${field.name}`, jsonText(rest), mention);
    }
    // Duplicate keys: JSON.parse keeps the last one, which here is wrong.
    send("duplicate field", `${field.name} twice, last one wrong`, `${jsonText(route.body).slice(0, -1)},"${field.name}":{"nested":[true]}}`, mention);
  }
  if (route.strict) {
    send("unknown field", "an unknown field", jsonText({ ...route.body, hacker: true }), /hacker|unrecognized|unknown/i);
    send("unknown field", "a constructor field", jsonText({ ...route.body, constructor: { prototype: { isAdmin: true } } }), /constructor|unrecognized|unknown/i);
  }

  const oversize = JSON.stringify({ ...route.body, padding: "x".repeat(fixture.maxBodyBytes) });
  const is413 = (status: number) => status === 413;
  send("oversize body", "declared length over the cap", oversize, /exceeds|too large/i, { statuses: is413 });
  send("oversize body", "chunked body over the cap", () => new Blob([oversize]).stream(), /exceeds|too large/i, { statuses: is413 });

  const form = "model=gpt-4o-mini&messages=hello";
  send("content type", "form-encoded", form, /json|content-type|body/i, { contentType: "application/x-www-form-urlencoded" });
  send("content type", "multipart", "--x\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nb\r\n--x--", /json|content-type|body/i, { contentType: "multipart/form-data; boundary=x" });
  send("content type", "plain text", "hello there", /json|content-type|body/i, { contentType: "text/plain" });
  send("content type", "binary bytes, no type", new Uint8Array([0xff, 0xfe, 0x00, 0x81, 0x7b]), /json|content-type|body/i, { contentType: null });

  if (route.caller !== "none") probes.push(...authProbes(route.name, route.method, path, jsonText(route.body)));
  return probes;
}

/** Requests with credentials that must not pass. */
export function authProbes(name: string, method: string, path: string, body?: string): Probe[] {
  const headers: Array<[string, string | null]> = [
    ["none", null],
    ["empty bearer", "Bearer "],
    ["basic", "Basic YWRtaW46YWRtaW4="],
    ["alg none JWT", "Bearer eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.eyJzdWIiOiIxIiwicm9sZSI6ImFkbWluIn0."],
    ["unknown client key", "Bearer mg-00000000000000000000000000000000"],
    ["SQL in the token", `Bearer ${SQL}`],
    ["10 KB token", `Bearer ${"A".repeat(10_000)}`],
  ];
  return headers.map(([label, authorization]) => ({
    route: name,
    category: "bad credentials",
    label,
    method,
    path,
    caller: "admin" as const,
    authorization,
    contentType: body === undefined ? undefined : "application/json",
    body,
    statuses: (status: number) => status === 401 || status === 403,
    mention: /auth|token|key|credential|login|bearer|session|required/i,
  }));
}

/** Probes of every path parameter. */
export function paramProbes(): Probe[] {
  const values = ["abc", "-1", "0", "1e999", "1.5", "99999999999999999999999", "0x1", "1e0", "+1", "%201", "%00", "..%2F..%2Fetc%2Fpasswd", "1%20OR%201%3D1", "__proto__", "constructor", "9".repeat(400)];
  const probes: Probe[] = [];
  for (const route of PARAM_ROUTES) {
    for (const value of values) {
      probes.push({
        route: `${route.method} ${route.path}`,
        category: "bad path parameter",
        label: value.slice(0, 24),
        method: route.method,
        path: route.path.replace("{x}", value),
        caller: route.caller,
        contentType: route.body ? "application/json" : undefined,
        body: route.body ? JSON.stringify(route.body) : undefined,
        mention: /id|keyId|name|not found|no route|unknown|model|response|param/i,
      });
    }
  }
  return probes;
}

/** Probes of every query parameter. */
export function queryProbes(): Probe[] {
  const probes: Probe[] = [];
  for (const route of QUERY_ROUTES) {
    for (const field of route.fields) {
      const bad: string[] =
        field.kind === "int" ? ["abc", "-99999", "1e999", "1.5", "1 OR 1=1", "%ZZ", ""] : field.kind === "time" ? ["notadate", "99999999999999999999", "%ZZ", "' OR 1=1 --"] : ["maybe", "%ZZ", "' OR 1=1 --", "__proto__"];
      for (const value of bad) {
        const encoded = value.startsWith("%") ? value : encodeURIComponent(value);
        probes.push({
          route: `GET ${route.path}`,
          category: "bad query",
          label: `${field.name}=${value}`,
          method: "GET",
          path: `${route.path}?${field.name}=${encoded}`,
          caller: "admin",
          mention: nameOf(field.name),
        });
      }
    }
  }
  return probes;
}

/** The whole corpus over the routes that exist (`enabled` says which body routes answer). */
export function buildCorpus(fixture: ProbeFixture, enabled: (route: BodyRoute) => boolean): Probe[] {
  return [...BODY_ROUTES.filter(enabled).flatMap((route) => bodyProbes(route, fixture)), ...paramProbes(), ...queryProbes()];
}
