import * as ipaddr from 'ipaddr.js';
import { badInput } from '../errors/app-error';

/** One parsed allowlist entry: a network address and its prefix length (a single address is /32 or /128). */
export type AddressRange = [ipaddr.IPv4 | ipaddr.IPv6, number];

/** Most entries one list may hold: enough for a fleet's egress ranges, and the stored list fits its column. */
export const MAX_ADDRESS_RANGES = 32;

/** The longest stored list: 32 entries of the longest canonical IPv6 range (39 + `/128`) and separators. */
export const ADDRESS_LIST_LENGTH = 1500;

const fullLength = (address: ipaddr.IPv4 | ipaddr.IPv6): number => (address.kind() === 'ipv4' ? 32 : 128);

const whole = (address: ipaddr.IPv4 | ipaddr.IPv6): AddressRange => [address, fullLength(address)];

const canonical = ([address, bits]: AddressRange): string => {
  const text = address.kind() === 'ipv4' ? address.toString() : (address as ipaddr.IPv6).toRFC5952String();
  return bits === fullLength(address) ? text : `${text}/${bits}`;
};

/** Why an entry is refused, or its range: strict dotted-quad IPv4 (no octal or short forms), IPv6 without a zone, IPv4-mapped IPv6 as IPv4, no host bits under the prefix. */
function parseEntry(entry: string): AddressRange | string {
  const cidr = entry.includes('/');
  if (!(cidr ? ipaddr.isValidCIDR(entry) : ipaddr.isValid(entry))) return 'not an IPv4 or IPv6 address or CIDR range (e.g. 203.0.113.7, 10.0.0.0/8, 2001:db8::/32)';
  let [address, bits] = cidr ? ipaddr.parseCIDR(entry) : whole(ipaddr.parse(entry));
  if (address.kind() === 'ipv4' && !(cidr ? ipaddr.IPv4.isValidCIDRFourPartDecimal(entry) : ipaddr.IPv4.isValidFourPartDecimal(entry))) {
    return 'an IPv4 address takes four decimal parts without leading zeros (e.g. 10.0.0.1)';
  }
  if (address.kind() === 'ipv6') {
    const v6 = address as ipaddr.IPv6;
    if (v6.zoneId !== undefined) return 'a zone (%…) names an interface of one host, not an address others can be checked against; leave it out';
    if (v6.isIPv4MappedAddress()) {
      if (bits < 96) return 'an IPv4-mapped range needs a prefix of at least /96';
      [address, bits] = [v6.toIPv4Address(), bits - 96];
    }
  }
  const prefixed = `${address.toString()}/${bits}`;
  const network = address.kind() === 'ipv4' ? ipaddr.IPv4.networkAddressFromCIDR(prefixed) : ipaddr.IPv6.networkAddressFromCIDR(prefixed);
  if (network.toString() !== address.toString()) return `bits set after the /${bits} prefix; did you mean ${canonical([network, bits])}?`;
  return [address, bits];
}

/**
 * Validates a list of addresses and CIDR ranges given as input at `field` and returns it
 * normalised (canonical text, IPv4-mapped IPv6 as IPv4, a single address without prefix,
 * duplicates dropped), as stored; each refused entry is reported as `field[i]`.
 */
export function normalizeAddressList(entries: string[], field: string): string[] {
  if (!entries.length) throw badInput(field, 'give at least one address or range; null (or leaving it out) means no restriction', 'arrayMinSize');
  if (entries.length > MAX_ADDRESS_RANGES) throw badInput(field, `at most ${MAX_ADDRESS_RANGES} entries`, 'arrayMaxSize');
  const normalized = entries.map((entry, index) => {
    const parsed = parseEntry(entry);
    if (typeof parsed === 'string') throw badInput(`${field}[${index}]`, `${JSON.stringify(entry.slice(0, 60))}: ${parsed}`, 'addressRange');
    return canonical(parsed);
  });
  return [...new Set(normalized)];
}

/** Parses a stored (already normalised) list; null stays null (no restriction). */
export function parseAddressList(stored: string | null): AddressRange[] | null {
  if (!stored) return null;
  return stored.split(' ').map((entry) => (entry.includes('/') ? ipaddr.parseCIDR(entry) : whole(ipaddr.parse(entry))));
}

/** Whether range `inner` lies entirely inside range `outer`. */
const within = ([address, bits]: AddressRange, [network, prefix]: AddressRange): boolean =>
  address.kind() === network.kind() && bits >= prefix && address.match(network, prefix);

/** The entries of `list` that lie inside none of the ranges of `ceiling`. */
export const rangesOutside = (list: AddressRange[], ceiling: AddressRange[]): string[] =>
  list.filter((range) => !ceiling.some((outer) => within(range, outer))).map(canonical);

/**
 * Whether a client address may use something restricted to `ranges`: always when there is no
 * list; never when the address is unknown or not an IP address (fail closed). An IPv4-mapped
 * IPv6 address counts as its IPv4 address.
 */
export function addressAllowed(ranges: AddressRange[] | null, address: string | null): boolean {
  if (!ranges) return true;
  if (!address || !ipaddr.isValid(address)) return false;
  const client = ipaddr.process(address);
  return ranges.some(([network, bits]) => client.kind() === network.kind() && client.match(network, bits));
}

/** Whether `address` is an IPv4 or IPv6 address (a resource server's `client_address`). */
export const isIpAddress = (address: string): boolean => ipaddr.isValid(address);
