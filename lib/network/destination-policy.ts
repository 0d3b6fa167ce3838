/**
 * Which network destinations the gateway may call: provider base URLs and alert webhooks are set
 * by admins, so a URL is also a way to make the gateway reach the cloud's metadata service, a
 * Redis on the loopback interface or the VPC behind it. Addresses are classified here; the string
 * of a URL is judged when an admin saves it, and every resolved address again when a connection
 * is opened (lib/network/destination-lookup.ts), so a name that resolves to 127.0.0.1 is refused
 * too.
 *
 * Always refused: link-local (169.254.0.0/16, fe80::/10), the cloud metadata endpoints,
 * multicast and reserved ranges. Loopback (127.0.0.0/8, ::1, 0.0.0.0, `localhost`) and private
 * ranges (RFC 1918, CGNAT 100.64.0.0/10, ULA fc00::/7) only when the policy allows them.
 */
import { isIP } from "node:net";
import { ValidationError } from "../errors";

/** What the operator allows beyond public addresses. */
export interface DestinationPolicy {
  /** RFC 1918, CGNAT and ULA addresses (self-hosted models live there). */
  allowPrivate: boolean;
  /** The local machine: tests, benchmarks, a model server on the same host. */
  allowLoopback: boolean;
}

/** Public addresses only: the default. */
export const PUBLIC_ONLY: DestinationPolicy = Object.freeze({ allowPrivate: false, allowLoopback: false });

/** The kind of an address, as far as the policy cares. */
export type AddressClass = "public" | "private" | "loopback" | "link-local" | "metadata" | "reserved";

/** Cloud metadata endpoints (AWS IPv4/IPv6, Azure and GCP share 169.254.169.254; Alibaba; Oracle). */
const METADATA_ADDRESSES = new Set(["169.254.169.254", "fd00:ec2:0:0:0:0:0:254", "100.100.100.200", "192.0.0.192"]);
/** Metadata host names, refused before any lookup. */
const METADATA_NAMES = new Set(["metadata.google.internal", "metadata.goog", "metadata", "instance-data", "instance-data.ec2.internal"]);

/** IPv4 ranges as [first octets as a number, prefix length, class]. */
const IPV4_RANGES: Array<[string, number, AddressClass]> = [
  ["0.0.0.0", 8, "loopback"],
  ["127.0.0.0", 8, "loopback"],
  ["169.254.0.0", 16, "link-local"],
  ["10.0.0.0", 8, "private"],
  ["172.16.0.0", 12, "private"],
  ["192.168.0.0", 16, "private"],
  ["100.64.0.0", 10, "private"],
  ["192.0.0.0", 24, "reserved"],
  ["198.18.0.0", 15, "reserved"],
  ["224.0.0.0", 4, "reserved"],
  ["240.0.0.0", 4, "reserved"],
];

function ipv4Number(address: string): number {
  return address.split(".").reduce((total, part) => total * 256 + Number(part), 0);
}

function classifyIpv4(address: string): AddressClass {
  if (METADATA_ADDRESSES.has(address)) return "metadata";
  const value = ipv4Number(address);
  for (const [base, prefix, kind] of IPV4_RANGES) {
    const size = 2 ** (32 - prefix);
    const start = ipv4Number(base);
    if (value >= start && value < start + size) return kind;
  }
  return "public";
}

/** The eight 16-bit groups of an IPv6 address (a trailing dotted IPv4 part included). */
function ipv6Groups(address: string): number[] {
  let text = address.toLowerCase().split("%")[0];
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const value = ipv4Number(dotted[1]);
    text = `${text.slice(0, -dotted[1].length)}${(value >>> 16).toString(16)}:${(value & 0xffff).toString(16)}`;
  }
  const [head, tail] = text.split("::");
  const headGroups = head ? head.split(":") : [];
  const tailGroups = tail ? tail.split(":") : [];
  const missing = tail === undefined ? 0 : 8 - headGroups.length - tailGroups.length;
  return [...headGroups, ...Array<string>(missing).fill("0"), ...tailGroups].map((group) => Number.parseInt(group, 16));
}

function embeddedIpv4(groups: number[], from: number): string {
  return [groups[from] >> 8, groups[from] & 0xff, groups[from + 1] >> 8, groups[from + 1] & 0xff].join(".");
}

function classifyIpv6(address: string): AddressClass {
  const groups = ipv6Groups(address);
  if (METADATA_ADDRESSES.has(groups.map((group) => group.toString(16)).join(":"))) return "metadata";
  const first = groups[0];
  const zeroPrefix = groups.slice(0, 5).every((group) => group === 0);
  // ::ffff:a.b.c.d (mapped) reaches the IPv4 address; 64:ff9b::/96 (NAT64) and 2002::/16 (6to4) embed one.
  if (zeroPrefix && groups[5] === 0xffff) return classifyIpv4(embeddedIpv4(groups, 6));
  if (first === 0x64 && groups[1] === 0xff9b && groups.slice(2, 6).every((group) => group === 0)) return classifyIpv4(embeddedIpv4(groups, 6));
  if (first === 0x2002) return classifyIpv4(embeddedIpv4(groups, 1));
  if (zeroPrefix && groups[5] === 0 && groups[6] === 0 && groups[7] <= 1) return "loopback";
  if (zeroPrefix && groups[5] === 0) return "reserved";
  if ((first & 0xffc0) === 0xfe80) return "link-local";
  if ((first & 0xfe00) === 0xfc00) return "private";
  if ((first & 0xff00) === 0xff00) return "reserved";
  return "public";
}

/** Classifies an IP address (v4 or v6); anything that is not an address is "reserved". */
export function classifyAddress(address: string): AddressClass {
  const bare = address.startsWith("[") && address.endsWith("]") ? address.slice(1, -1) : address;
  const version = isIP(bare.split("%")[0]);
  if (version === 4) return classifyIpv4(bare);
  if (version === 6) return classifyIpv6(bare);
  return "reserved";
}

/** Why an address is refused under a policy, or null when it may be called. */
export function refusalOf(kind: AddressClass, policy: DestinationPolicy): string | null {
  if (kind === "public") return null;
  if (kind === "private") return policy.allowPrivate ? null : "a private address (allowed only when private upstreams are enabled)";
  if (kind === "loopback") return policy.allowLoopback ? null : "a loopback address (allowed only when loopback upstreams are enabled)";
  if (kind === "link-local") return "a link-local address";
  if (kind === "metadata") return "a cloud metadata address";
  return "a reserved address";
}

/**
 * Why a URL's host is refused, judged on the string alone (IP literals in any form the URL parser
 * accepts, decimal and hex included, and well-known local and metadata names), or null. Other
 * names are judged on their resolved addresses when called.
 */
export function urlRefusal(url: string | URL, policy: DestinationPolicy): string | null {
  let parsed: URL;
  try {
    parsed = typeof url === "string" ? new URL(url) : url;
  } catch {
    return "is not a URL";
  }
  const host = parsed.hostname.replace(/\.$/, "").toLowerCase();
  const bare = host.startsWith("[") ? host.slice(1, -1) : host;
  if (isIP(bare)) {
    const reason = refusalOf(classifyAddress(bare), policy);
    return reason && `points at ${reason}`;
  }
  if (METADATA_NAMES.has(host)) return "points at a cloud metadata address";
  if (host === "localhost" || host.endsWith(".localhost")) {
    const reason = refusalOf("loopback", policy);
    return reason && `points at ${reason}`;
  }
  return null;
}

/**
 * Refuses a URL an admin is saving when its host is refused under `policy`.
 * @throws ValidationError naming `field`
 */
export function assertDestinationAllowed(url: string, policy: DestinationPolicy, field: string): void {
  const reason = urlRefusal(url, policy);
  if (reason) throw new ValidationError(`Invalid body: ${field}: ${reason}`, [{ field, message: reason }]);
}
