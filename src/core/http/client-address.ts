import { IncomingMessage } from 'node:http';

/**
 * The client's address: the socket peer, or — behind `trustedProxies` reverse proxies — the
 * address that many hops back in X-Forwarded-For (the same rule as Express's numeric `trust proxy`).
 */
export function clientAddressOf(req: IncomingMessage, trustedProxies: number): string | null {
  let address = req.socket.remoteAddress ?? null;
  if (trustedProxies > 0) {
    const forwarded = String(req.headers['x-forwarded-for'] ?? '')
      .split(',')
      .map((hop) => hop.trim())
      .filter(Boolean);
    address = forwarded[Math.max(0, forwarded.length - trustedProxies)] ?? address;
  }
  return address ? address.replace(/^::ffff:/, '').slice(0, 64) : null;
}
