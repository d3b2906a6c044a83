import fc from 'fast-check';
import * as ipaddr from 'ipaddr.js';
import { AppError } from '../../src/core/errors/app-error';
import { addressAllowed, normalizeAddressList, parseAddressList, rangesOutside } from '../../src/core/http/address-ranges';

const ipv4 = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((parts) => parts.join('.'));
const ipv6 = fc.array(fc.nat(0xffff), { minLength: 8, maxLength: 8 }).map((parts) => parts.map((part) => part.toString(16)).join(':'));

describe('address allowlists (ipaddr.js)', () => {
  it('refuses any text that is not an address or range with BAD_USER_INPUT naming the entry, never another error', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 60 }), (entry) => {
        try {
          const [normalized] = normalizeAddressList([entry], 'input.allowedAddresses');
          // What is accepted is stored in a form that parses back to itself.
          expect(normalizeAddressList([normalized], 'input.allowedAddresses')).toEqual([normalized]);
        } catch (error) {
          expect(error).toBeInstanceOf(AppError);
          expect((error as AppError).details.fields?.[0].field).toBe('input.allowedAddresses[0]');
        }
      }),
    );
  });

  it('admits every address inside a range it accepted, and the range lies inside itself', () => {
    fc.assert(
      fc.property(fc.oneof(ipv4.map((a) => [a, 32] as const), ipv6.map((a) => [a, 128] as const)), fc.nat(128), ([address, width], cut) => {
        const bits = cut % (width + 1);
        const [single] = normalizeAddressList([address], 'f');
        // The network of `address` at `bits`, written by ipaddr.js itself.
        const network = width === 32 ? ipaddr.IPv4.networkAddressFromCIDR(`${address}/${bits}`) : ipaddr.IPv6.networkAddressFromCIDR(`${address}/${bits}`);
        const range = normalizeAddressList([`${network.toString()}/${bits}`], 'f');
        expect(addressAllowed(parseAddressList(range.join(' ')), address)).toBe(true);
        expect(rangesOutside(parseAddressList(single)!, parseAddressList(range.join(' '))!)).toEqual([]);
      }),
    );
  });

  it.each([
    [['10.0.0.0/8'], '10.255.0.1', true],
    [['10.0.0.0/8'], '::ffff:10.1.1.1', true],
    [['10.0.0.0/8'], '11.0.0.1', false],
    [['::ffff:10.0.0.0/104'], '10.1.1.1', true],
    [['2001:db8::/32'], '2001:db8::1', true],
    [['2001:db8::/32'], '10.0.0.1', false],
    [['10.0.0.0/8'], null, false],
    [['10.0.0.0/8'], 'not an address', false],
  ])('%j admits %s: %s', (list, address, admitted) => {
    expect(addressAllowed(parseAddressList(normalizeAddressList(list, 'f').join(' ')), address)).toBe(admitted);
  });

  it('admits any address without a list', () => {
    expect(addressAllowed(null, null)).toBe(true);
  });
});
