/**
 * The connect-time half of the destination policy: a `lookup` for `node:http`/`node:net` that
 * resolves a name as usual and refuses the connection when any resolved address is refused, so
 * a name that resolves to 127.0.0.1 or the metadata address never gets a socket. Checking every
 * address (not only the one used) keeps a name with one public and one internal record out too.
 */
import { lookup as dnsLookup, type LookupAddress, type LookupAllOptions, type LookupOneOptions } from "node:dns";
import type { LookupFunction } from "node:net";
import { classifyAddress, refusalOf, type DestinationPolicy } from "./destination-policy";

/** Thrown (as a connection error's cause) when a destination is refused. */
export class DestinationRefusedError extends Error {
  override name = "DestinationRefusedError";
  /** Like a socket error's code, so callers that log `cause.code` say why. */
  readonly code = "EDESTINATION_REFUSED";
  constructor(host: string, reason: string) {
    super(`refused to connect to ${host}: ${reason}`);
  }
}

/** The resolver a guarded lookup asks; `node:dns` lookup unless a test brings its own. */
export type Resolver = (hostname: string, options: LookupAllOptions, callback: (error: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void) => void;

const systemResolver: Resolver = (hostname, options, callback) => dnsLookup(hostname, options, callback);

/**
 * A `lookup` option that applies `policy` to every address `hostname` resolves to.
 * @param resolver where names are resolved @default node:dns lookup
 */
export function guardedLookup(policy: DestinationPolicy, resolver: Resolver = systemResolver): LookupFunction {
  return function lookupDestination(hostname: string, options: LookupOneOptions | LookupAllOptions, callback: (...args: never[]) => void) {
    const answer = callback as unknown as (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;
    resolver(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return answer(error, []);
      for (const { address } of addresses) {
        const reason = refusalOf(classifyAddress(address), policy);
        if (reason) return answer(new DestinationRefusedError(hostname, `it resolves to ${reason}`) as NodeJS.ErrnoException, []);
      }
      if (options.all) return answer(null, addresses);
      if (addresses.length === 0) return answer(Object.assign(new Error(`no address for ${hostname}`), { code: "ENOTFOUND" }), []);
      return answer(null, addresses[0].address, addresses[0].family);
    });
  } as LookupFunction;
}
