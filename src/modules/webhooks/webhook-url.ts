import { LookupAddress } from 'node:dns';
import { lookup } from 'node:dns/promises';
import * as ipaddr from 'ipaddr.js';
import { badInput } from '../../core/errors/app-error';

/**
 * Whether an address is an ordinary public unicast one. Loopback, link-local (cloud metadata at
 * 169.254.169.254), private, unique-local, carrier-grade NAT, multicast and reserved ranges are
 * not: a webhook must not make Tessera reach into its own network (SSRF).
 */
export function isPublicAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  let parsed = ipaddr.parse(address);
  if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) parsed = (parsed as ipaddr.IPv6).toIPv4Address();
  return parsed.range() === 'unicast';
}

/** Why a webhook URL is refused before any address is looked at, or null. */
function urlRefusal(url: URL): string | null {
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'must be an http or https URL';
  if (url.username || url.password) return 'must not carry credentials';
  if (url.hash) return 'must not have a fragment';
  return null;
}

/**
 * Refuses a webhook URL at registration: not http(s), credentials in it, or a host that is (or
 * resolves to) a non-public address unless `allowPrivate`. Delivery checks the addresses again.
 */
export async function checkWebhookUrl(raw: string, allowPrivate: boolean, field = 'input.url'): Promise<string> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw badInput(field, 'is not a URL', 'isUrl');
  }
  const refusal = urlRefusal(url);
  if (refusal) throw badInput(field, refusal, 'isUrl');
  if (!allowPrivate) {
    const addresses = await resolveHost(url.hostname).catch(() => null);
    if (!addresses?.length) throw badInput(field, 'has a host that does not resolve', 'resolvable');
    if (addresses.some((a) => !isPublicAddress(a.address))) throw badInput(field, 'resolves to a loopback, link-local or private address', 'publicAddress');
  }
  return url.toString();
}

function resolveHost(hostname: string): Promise<LookupAddress[]> {
  const bare = hostname.replace(/^\[|\]$/g, '');
  return ipaddr.isValid(bare) ? Promise.resolve([{ address: bare, family: bare.includes(':') ? 6 : 4 }]) : lookup(bare, { all: true });
}

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * A `lookup` for http(s).request that refuses non-public addresses after resolution, so the address
 * connected to is the one checked (no DNS rebinding between check and connect).
 */
export function guardedLookup(allowPrivate: boolean) {
  return (hostname: string, options: { all?: boolean }, callback: LookupCallback): void => {
    resolveHost(hostname).then(
      (addresses) => {
        const refused = allowPrivate ? undefined : addresses.find((a) => !isPublicAddress(a.address));
        if (refused) {
          callback(Object.assign(new Error(`refused address ${refused.address} (loopback, link-local or private)`), { code: 'EADDRREFUSED' }), []);
        } else if (options.all) {
          callback(null, addresses);
        } else {
          callback(null, addresses[0].address, addresses[0].family);
        }
      },
      (error: NodeJS.ErrnoException) => callback(error, []),
    );
  };
}
