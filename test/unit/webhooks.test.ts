import { createHmac } from 'node:crypto';
import { deriveKey, open, seal } from '../../src/core/secrets/sealed-box';
import { MAX_ATTEMPTS, retryDelayMs } from '../../src/modules/webhooks/webhook-delivery.worker';
import { WebhookSecrets } from '../../src/modules/webhooks/webhook-secrets';
import { newWebhookSecret, signWebhook } from '../../src/modules/webhooks/webhook-signature';
import { isPublicAddress } from '../../src/modules/webhooks/webhook-url';

describe('webhook target addresses (SSRF guard)', () => {
  it.each(['93.184.216.34', '8.8.8.8', '2606:4700:4700::1111', '::ffff:8.8.8.8'])('lets %s through', (address) => {
    expect(isPublicAddress(address)).toBe(true);
  });

  it.each([
    '127.0.0.1', '127.8.9.10', '::1', // loopback
    '169.254.169.254', 'fe80::1', // link-local, cloud metadata
    '10.0.0.1', '172.16.5.4', '192.168.1.1', 'fd12:3456::1', // private, unique-local
    '100.64.0.1', '0.0.0.0', '::', '224.0.0.1', 'ff02::1', '255.255.255.255', // CGNAT, unspecified, multicast, broadcast
    '::ffff:127.0.0.1', '::ffff:10.0.0.1', // IPv4-mapped
    'not-an-address',
  ])('refuses %s', (address) => {
    expect(isPublicAddress(address)).toBe(false);
  });
});

describe('webhook retries', () => {
  it('doubles from the base up to 480 times it, and spans at least 24 hours at the default 30 s', () => {
    expect([1, 2, 3, 9, 10, 14].map((n) => retryDelayMs(n, 30_000))).toEqual([30_000, 60_000, 120_000, 7_680_000, 14_400_000, 14_400_000]);
    let total = 0;
    for (let attempt = 1; attempt < MAX_ATTEMPTS; attempt += 1) total += retryDelayMs(attempt, 30_000);
    expect(total).toBeGreaterThanOrEqual(24 * 3600_000);
    expect(total).toBeLessThan(26 * 3600_000);
  });
});

describe('webhook signing secrets', () => {
  it('signs `<timestamp>.<body>` with HMAC-SHA-256, as receivers recompute it', () => {
    const secret = newWebhookSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    expect(signWebhook(secret, 1700000000, '{"a":1}')).toBe(`v1=${createHmac('sha256', secret).update('1700000000.{"a":1}').digest('hex')}`);
    expect(signWebhook(secret, 1700000001, '{"a":1}')).not.toBe(signWebhook(secret, 1700000000, '{"a":1}'));
  });

  it('seals a secret that opens only for its row and under a pepper of the ring, current or previous', () => {
    const secret = newWebhookSecret();
    const old = new WebhookSecrets(['old-pepper-0123456789abcdef0123456789']);
    const sealed = old.seal('endpoint-1', secret);
    expect(sealed).not.toContain(secret.slice(6));
    expect(old.open({ id: 'endpoint-1', secretSealed: sealed })).toBe(secret);
    expect(old.open({ id: 'endpoint-2', secretSealed: sealed })).toBeNull();
    expect(new WebhookSecrets(['new-pepper-0123456789abcdef0123456789', 'old-pepper-0123456789abcdef0123456789']).open({ id: 'endpoint-1', secretSealed: sealed })).toBe(secret);
    expect(new WebhookSecrets(['new-pepper-0123456789abcdef0123456789']).open({ id: 'endpoint-1', secretSealed: sealed })).toBeNull();
  });

  it('refuses a tampered sealed box', () => {
    const key = deriveKey('pepper', 'salt', 'purpose');
    const sealed = Buffer.from(seal(key, 'plain', 'row'), 'base64');
    sealed[sealed.length - 1] ^= 1;
    expect(open(key, sealed.toString('base64'), 'row')).toBeNull();
    expect(open(deriveKey('pepper', 'salt', 'other purpose'), seal(key, 'plain', 'row'), 'row')).toBeNull();
  });
});
