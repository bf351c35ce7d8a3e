/**
 * Standard Webhooks signatures (standardwebhooks.com): `webhook-signature: v1,<base64 HMAC-SHA256>` over
 * `${webhook-id}.${webhook-timestamp}.${body}`. A secret written `whsec_<base64>` is used as the bytes it
 * encodes, as the Standard Webhooks libraries do; any other secret is used as its UTF-8 bytes.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

const PREFIX = 'whsec_';

export function signingKey(secret: string): Buffer {
  if (secret.startsWith(PREFIX)) {
    const encoded = secret.slice(PREFIX.length);
    const bytes = Buffer.from(encoded, 'base64');
    if (bytes.length > 0 && /^[A-Za-z0-9+/]+={0,2}$/.test(encoded)) return bytes;
  }
  return Buffer.from(secret, 'utf8');
}

export function signWebhook(input: { id: string; timestamp: number; body: string; secret: string }): string {
  const mac = createHmac('sha256', signingKey(input.secret))
    .update(`${input.id}.${input.timestamp}.${input.body}`)
    .digest('base64');
  return `v1,${mac}`;
}

/**
 * Checks a received webhook the way a receiver should: one of the space-separated `v1,` signatures matches (in
 * constant time) and the timestamp is within `toleranceSeconds` of `now`.
 */
export function verifyWebhook(input: {
  id: string;
  timestamp: string;
  signature: string;
  body: string;
  secret: string;
  now?: Date;
  toleranceSeconds?: number;
}): boolean {
  const timestamp = Number(input.timestamp);
  if (!/^\d{1,12}$/.test(input.timestamp) || !Number.isSafeInteger(timestamp)) return false;
  const nowSeconds = Math.floor((input.now ?? new Date()).getTime() / 1000);
  if (Math.abs(nowSeconds - timestamp) > (input.toleranceSeconds ?? 300)) return false;
  const expected = Buffer.from(
    signWebhook({ id: input.id, timestamp, body: input.body, secret: input.secret }).slice(3),
  );
  return input.signature.split(' ').some((entry) => {
    if (!entry.startsWith('v1,')) return false;
    const candidate = Buffer.from(entry.slice(3));
    return candidate.length === expected.length && timingSafeEqual(candidate, expected);
  });
}
