/**
 * The token string: `sl_` and 32 random bytes in base64url. Only its SHA-256 (hex) is stored; the first
 * characters are kept in the clear so lists can tell tokens apart.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export const TOKEN_PREFIX = 'sl_';
export const TOKEN_PREFIX_LENGTH = 10;
/**
 * What a presented token must look like before it is looked up: `sl_` and base64url characters. Tokens made
 * here have 43 (32 bytes, unpadded); the lookup is by hash, so this only turns junk away without a query.
 */
export const TOKEN_PATTERN = /^sl_[A-Za-z0-9_-]{20,200}$/;

export function generateApiToken(): string {
  return `${TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
}

export function hashApiToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export function tokenPrefixOf(token: string): string {
  return token.slice(0, TOKEN_PREFIX_LENGTH);
}

export function looksLikeApiToken(value: string): boolean {
  return TOKEN_PATTERN.test(value);
}

/** Compares two hex digests in constant time (both are SHA-256, so equal length when well-formed). */
export function sameDigest(a: string, b: string): boolean {
  const left = Buffer.from(a, 'hex');
  const right = Buffer.from(b, 'hex');
  return left.length === right.length && left.length > 0 && timingSafeEqual(left, right);
}
