import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { guardedLookup, type Resolver } from "../../lib/network/destination-lookup";
import { classifyAddress, PUBLIC_ONLY, urlRefusal } from "../../lib/network/destination-policy";
import { createUpstreamFetch } from "../../lib/providers/shared/upstream-fetch";

const PRIVATE_ALLOWED = { allowPrivate: true, allowLoopback: false };
const LOOPBACK_ALLOWED = { allowPrivate: false, allowLoopback: true };

describe("address classes", () => {
  it.each([
    ["127.0.0.1", "loopback"],
    ["127.255.0.9", "loopback"],
    ["0.0.0.0", "loopback"],
    ["::1", "loopback"],
    ["::", "loopback"],
    ["::ffff:127.0.0.1", "loopback"],
    ["::ffff:7f00:1", "loopback"],
    ["169.254.169.254", "metadata"],
    ["fd00:ec2::254", "metadata"],
    ["100.100.100.200", "metadata"],
    ["169.254.10.1", "link-local"],
    ["fe80::1", "link-local"],
    ["10.1.2.3", "private"],
    ["172.16.0.1", "private"],
    ["172.31.255.255", "private"],
    ["192.168.1.1", "private"],
    ["100.64.0.1", "private"],
    ["fd12:3456::1", "private"],
    ["::ffff:10.0.0.1", "private"],
    ["64:ff9b::a9fe:a9fe", "metadata"],
    ["2002:7f00:1::", "loopback"],
    ["224.0.0.1", "reserved"],
    ["ff02::1", "reserved"],
    ["8.8.8.8", "public"],
    ["172.32.0.1", "public"],
    ["2606:4700::1111", "public"],
  ])("%s is %s", (address, kind) => {
    expect(classifyAddress(address)).toBe(kind);
  });
});

describe("URL strings", () => {
  it.each([
    "http://169.254.169.254/latest/meta-data/",
    "http://[fd00:ec2::254]/",
    "http://metadata.google.internal/computeMetadata/v1/",
    "http://METADATA.google.internal./",
    "http://127.0.0.1:6379",
    "http://2130706433/",
    "http://0x7f000001/",
    "http://0177.0.0.1/",
    "http://127.1/",
    "http://[::ffff:127.0.0.1]/",
    "http://localhost:11434/v1",
    "http://api.localhost/",
    "http://0.0.0.0:8080/",
    "http://10.0.0.5/v1",
    "http://192.168.0.10/",
    "http://[fd12::1]/",
    "http://100.64.1.1/",
  ])("refuses %s by default", (url) => {
    expect(urlRefusal(url, PUBLIC_ONLY)).toMatch(/^points at/);
  });

  it("allows private ranges, and only them, when the operator says so", () => {
    expect(urlRefusal("http://10.0.0.5/v1", PRIVATE_ALLOWED)).toBeNull();
    expect(urlRefusal("http://[fd12::1]/", PRIVATE_ALLOWED)).toBeNull();
    expect(urlRefusal("http://127.0.0.1:6379", PRIVATE_ALLOWED)).toMatch(/loopback/);
    expect(urlRefusal("http://169.254.169.254/", { allowPrivate: true, allowLoopback: true })).toMatch(/metadata/);
    expect(urlRefusal("http://metadata.google.internal/", { allowPrivate: true, allowLoopback: true })).toMatch(/metadata/);
    expect(urlRefusal("https://api.openai.com/v1", PUBLIC_ONLY)).toBeNull();
  });
});

describe("connect-time checks", () => {
  let server: Server;
  let port = 0;
  let calls = 0;

  beforeAll(async () => {
    server = createServer((request, response) => {
      calls += 1;
      if (request.url === "/elsewhere") {
        response.writeHead(302, { location: `http://localhost:${port}/json` });
        return void response.end();
      }
      response.writeHead(200, { "content-type": "application/json" });
      response.end(JSON.stringify({ path: request.url }));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  /** Resolves made-up names the way a hostile DNS record would. */
  const resolver: Resolver = (hostname, _options, callback) => {
    const records: Record<string, string[]> = {
      "loopback.example.test": ["127.0.0.1"],
      "mixed.example.test": ["93.184.216.34", "169.254.169.254"],
    };
    const addresses = records[hostname];
    if (!addresses) return callback(Object.assign(new Error(`no record for ${hostname}`), { code: "ENOTFOUND" }), []);
    callback(null, addresses.map((address) => ({ address, family: 4 })));
  };

  it("refuses an IP literal before connecting, whatever its spelling, on every call", async () => {
    const guarded = createUpstreamFetch();
    const before = calls;
    // Twice each: the judgement is remembered per host name and must stay a refusal.
    for (const host of ["127.0.0.1", "2130706433", "0x7f000001", "[::ffff:127.0.0.1]", "127.0.0.1"]) {
      const failure = await guarded(`http://${host}:${port}/json`).catch((error: unknown) => error);
      expect(failure).toMatchObject({ name: "TypeError", message: "fetch failed", cause: { code: "EDESTINATION_REFUSED" } });
    }
    expect(calls).toBe(before);
  });

  it("refuses a name that resolves to a refused address, checking every address", async () => {
    const guarded = createUpstreamFetch({ resolver });
    const before = calls;
    const loopback = await guarded(`http://loopback.example.test:${port}/json`).catch((error: unknown) => error);
    expect(loopback).toMatchObject({ message: "fetch failed", cause: { code: "EDESTINATION_REFUSED" } });
    expect(String((loopback as Error & { cause: Error }).cause.message)).toContain("loopback");
    const mixed = await guarded(`http://mixed.example.test:${port}/json`).catch((error: unknown) => error);
    expect(String((mixed as Error & { cause: Error }).cause.message)).toContain("metadata");
    expect(calls).toBe(before);
  });

  it("connects to a resolved loopback name when loopback is allowed", async () => {
    const allowed = createUpstreamFetch({ resolver, destinations: LOOPBACK_ALLOWED });
    expect(await (await allowed(`http://loopback.example.test:${port}/json`)).json()).toEqual({ path: "/json" });
  });

  it("never follows a redirect to another origin", async () => {
    const allowed = createUpstreamFetch({ destinations: LOOPBACK_ALLOWED });
    const before = calls;
    const failure = await allowed(`http://127.0.0.1:${port}/elsewhere`, { method: "POST", body: "{}" }).catch((error: unknown) => error);
    expect(failure).toMatchObject({ name: "TypeError", cause: { message: expect.stringContaining("another origin") } });
    // The redirecting answer only: the other origin was never called.
    expect(calls).toBe(before + 1);
  });

  it("guards lookups for callers of node:http directly", async () => {
    const lookup = guardedLookup(PUBLIC_ONLY, resolver);
    const error = await new Promise<unknown>((resolve) => lookup("loopback.example.test", { all: true }, (failure) => resolve(failure)));
    expect(error).toMatchObject({ code: "EDESTINATION_REFUSED" });
  });
});
