import { createHmac, randomBytes } from 'node:crypto';

/** The readable start of a webhook signing secret, so a leaked one can be recognised. */
export const WEBHOOK_SECRET_PREFIX = 'whsec_';

export const newWebhookSecret = (): string => `${WEBHOOK_SECRET_PREFIX}${randomBytes(32).toString('base64url')}`;

/**
 * `X-Tessera-Signature`: `v1=` and the hex HMAC-SHA-256, keyed by the endpoint's secret, of
 * `<timestamp>.<body>` with the `X-Tessera-Timestamp` value, as Stripe signs: a receiver recomputes
 * it over the raw body and refuses old timestamps (replays).
 */
export function signWebhook(secret: string, timestamp: number, body: string): string {
  return `v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}
