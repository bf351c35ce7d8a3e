import { describe, expect, it } from 'vitest';
import { cronSecretMatches } from '@/lib/auth/cron';

const SECRET = 'x'.repeat(20) + 'SecretWithCase123';

describe('the cron secret check', () => {
  it('accepts exactly "Bearer <secret>"', () => {
    expect(cronSecretMatches(`Bearer ${SECRET}`, SECRET)).toBe(true);
  });

  it.each([
    ['a missing header', null],
    ['an empty header', ''],
    ['the bare secret', SECRET],
    ['a wrong secret', `Bearer ${SECRET}x`],
    ['a prefix of the secret', `Bearer ${SECRET.slice(0, -1)}`],
    ['"Bearer undefined"', 'Bearer undefined'],
    ['the secret in lower case', `Bearer ${SECRET.toLowerCase()}`],
    ['a lower-case scheme', `bearer ${SECRET}`],
    ['an extra space', `Bearer  ${SECRET}`],
  ])('refuses %s', (_, header) => {
    expect(cronSecretMatches(header, SECRET)).toBe(false);
  });

  it('fails closed when no secret is configured, even for "Bearer undefined" or "Bearer "', () => {
    expect(cronSecretMatches('Bearer undefined', undefined)).toBe(false);
    expect(cronSecretMatches('Bearer ', '')).toBe(false);
  });
});
