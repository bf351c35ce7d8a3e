/**
 * C3/C4: credentials are AES-256-GCM with a fresh IV, bound to their row and field, and survive key rotation.
 */
import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Keyring, SecretErrorReason, SecretRow } from '@/lib/sources/secrets';
import {
  createKeyring,
  decryptSecret,
  encryptSecret,
  loadKeyring,
  needsRotation,
  readKeyId,
  rotateRowSecrets,
  rotateSecrets,
  SecretError,
} from '@/lib/sources/secrets';

const SOURCE_A = '00000000-0000-4000-8000-00000000000a';
const SOURCE_B = '00000000-0000-4000-8000-00000000000b';
const SENTINEL = 'sentinel-password-7f3a9c';

const K1 = randomBytes(32);
const K2 = randomBytes(32);
const fingerprint = (key: Buffer) => createHash('sha256').update(key).digest('hex').slice(0, 8);

function caught(fn: () => unknown): SecretError {
  try {
    fn();
  } catch (error) {
    if (error instanceof SecretError) return error;
    throw error;
  }
  throw new Error('expected a SecretError');
}

function expectSecretError(fn: () => unknown, reason: SecretErrorReason): SecretError {
  const error = caught(fn);
  expect(error.reason).toBe(reason);
  return error;
}

type Parts = { version: string; keyId: string; iv: Buffer; tag: Buffer; ciphertext: Buffer };

function split(value: string): Parts {
  const [version = '', keyId = '', iv = '', tag = '', ciphertext = ''] = value.split(':');
  return {
    version,
    keyId,
    iv: Buffer.from(iv, 'base64url'),
    tag: Buffer.from(tag, 'base64url'),
    ciphertext: Buffer.from(ciphertext, 'base64url'),
  };
}

function join(p: Parts): string {
  return [p.version, p.keyId, p.iv, p.tag, p.ciphertext]
    .map((x) => (typeof x === 'string' ? x : x.toString('base64url')))
    .join(':');
}

function flipBit(buffer: Buffer, bit: number): Buffer {
  const copy = Buffer.from(buffer);
  copy[bit >> 3]! ^= 1 << (bit & 7);
  return copy;
}

describe('encryptSecret / decryptSecret (C3)', () => {
  const keyring = createKeyring({ primary: { key: K1 } });
  const encrypt = (plaintext: string, dataSourceId = SOURCE_A, field = 'password') =>
    encryptSecret(keyring, { dataSourceId, field, plaintext });

  it('round-trips text, including empty and non-ASCII values', () => {
    for (const plaintext of [SENTINEL, '', 'pässwörd ✓ 密码', 'x'.repeat(16_384)]) {
      const value = encrypt(plaintext);
      expect(decryptSecret(keyring, { dataSourceId: SOURCE_A, field: 'password', value })).toBe(plaintext);
    }
  });

  it('writes v1:<keyId>:<iv>:<tag>:<ciphertext> with a 12-byte IV and a 16-byte tag', () => {
    const value = encrypt(SENTINEL);
    expect(value).toMatch(/^v1:[0-9a-f]{8}:[A-Za-z0-9_-]{16}:[A-Za-z0-9_-]{22}:[A-Za-z0-9_-]+$/);
    const parts = split(value);
    expect(parts.keyId).toBe(fingerprint(K1));
    expect(parts.iv).toHaveLength(12);
    expect(parts.tag).toHaveLength(16);
    expect(parts.ciphertext).toHaveLength(Buffer.byteLength(SENTINEL));
    expect(value).not.toContain(SENTINEL);
    expect(value).not.toContain(Buffer.from(SENTINEL).toString('base64url'));
  });

  it('rejects every single flipped bit of the IV, the tag and the ciphertext', () => {
    const value = encrypt(SENTINEL);
    const parts = split(value);
    let tried = 0;
    for (const part of ['iv', 'tag', 'ciphertext'] as const) {
      for (let bit = 0; bit < parts[part].length * 8; bit++) {
        const tampered = join({ ...parts, [part]: flipBit(parts[part], bit) });
        const error = expectSecretError(
          () => decryptSecret(keyring, { dataSourceId: SOURCE_A, field: 'password', value: tampered }),
          'tampered',
        );
        expect(error.message).not.toContain(SENTINEL);
        tried += 1;
      }
    }
    expect(tried).toBe((12 + 16 + SENTINEL.length) * 8);
  });

  it('rejects any changed character of the stored text, even where base64 padding bits would hide it', () => {
    const value = encrypt(SENTINEL);
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    for (let i = 0; i < value.length; i++) {
      if (value[i] === ':') continue;
      for (const replacement of [alphabet[(alphabet.indexOf(value[i]!) + 1) % 64]!, '=', '+']) {
        const changed = value.slice(0, i) + replacement + value.slice(i + 1);
        expect(() =>
          decryptSecret(keyring, { dataSourceId: SOURCE_A, field: 'password', value: changed }),
        ).toThrow(SecretError);
      }
    }
  });

  it('refuses a value moved to another data source or another field', () => {
    const value = encrypt(SENTINEL, SOURCE_A, 'password');
    expectSecretError(
      () => decryptSecret(keyring, { dataSourceId: SOURCE_B, field: 'password', value }),
      'tampered',
    );
    expectSecretError(
      () => decryptSecret(keyring, { dataSourceId: SOURCE_A, field: 'caPem', value }),
      'tampered',
    );
    // The separator cannot be used to make two (row, field) pairs read the same.
    expectSecretError(
      () => encryptSecret(keyring, { dataSourceId: `${SOURCE_A}|pass`, field: 'word', plaintext: SENTINEL }),
      'context',
    );
    expectSecretError(
      () => encryptSecret(keyring, { dataSourceId: SOURCE_A, field: 'pass|word', plaintext: SENTINEL }),
      'context',
    );
  });

  it('names an unknown key id and says what to do, without echoing the value', () => {
    const other = createKeyring({ primary: { key: K2 } });
    const value = encryptSecret(other, { dataSourceId: SOURCE_A, field: 'password', plaintext: SENTINEL });
    const error = expectSecretError(
      () => decryptSecret(keyring, { dataSourceId: SOURCE_A, field: 'password', value }),
      'unknown_key',
    );
    expect(error.message).toBe(
      `Stored credential cannot be decrypted: unknown key id ${fingerprint(K2)}. ` +
        'Add the old key to ENCRYPTION_KEYS.',
    );
    expect(error.message).not.toContain(SENTINEL);
    expect(error.message).not.toContain(split(value).ciphertext.toString('base64url'));
    expect(error.dataSourceId).toBe(SOURCE_A);
    expect(error.field).toBe('password');
  });

  it('refuses malformed values', () => {
    const value = encrypt(SENTINEL);
    const [, keyId, iv, tag, ciphertext] = value.split(':');
    for (const bad of [
      '',
      SENTINEL,
      `v2:${keyId}:${iv}:${tag}:${ciphertext}`,
      `v1:${keyId}:${iv}:${tag}`,
      `v1:${keyId}:${iv}:${tag}:${ciphertext}:extra`,
      `v1:${keyId}:${iv}:${tag!.slice(0, -2)}:${ciphertext}`,
      `v1:${keyId}:${iv}A:${tag}:${ciphertext}`,
      `v1:${keyId}:${iv}:${tag}:${ciphertext}==`,
      `v1::${iv}:${tag}:${ciphertext}`,
    ]) {
      expectSecretError(
        () => decryptSecret(keyring, { dataSourceId: SOURCE_A, field: 'password', value: bad }),
        'malformed',
      );
    }
  });

  it('uses a fresh IV every time: 10,000 encryptions of one plaintext give 10,000 distinct IVs', () => {
    const ivs = new Set<string>();
    const ciphertexts = new Set<string>();
    for (let i = 0; i < 10_000; i++) {
      const value = encrypt(SENTINEL);
      ivs.add(value.split(':')[2]!);
      ciphertexts.add(value);
    }
    expect(ivs.size).toBe(10_000);
    expect(ciphertexts.size).toBe(10_000);
  });

  it('shows no key material when a keyring is logged or serialised', () => {
    const shown = `${JSON.stringify(keyring)} ${String(Object.values(keyring))}`;
    for (const encoding of ['hex', 'base64', 'base64url'] as const)
      expect(shown).not.toContain(K1.toString(encoding));
    expect(Object.keys(keyring).sort()).toEqual(['development', 'keyIds', 'primaryKeyId']);
  });
});

describe('loadKeyring', () => {
  it('reads ENCRYPTION_KEY as base64, base64url or hex, all naming the same key', () => {
    const forms = [
      K1.toString('base64'),
      K1.toString('base64url'),
      K1.toString('hex'),
      ` ${K1.toString('hex')} `,
    ];
    const keyrings = forms.map((ENCRYPTION_KEY) => loadKeyring({ NODE_ENV: 'production', ENCRYPTION_KEY }));
    const value = encryptSecret(keyrings[0]!, {
      dataSourceId: SOURCE_A,
      field: 'password',
      plaintext: SENTINEL,
    });
    for (const keyring of keyrings) {
      expect(keyring.primaryKeyId).toBe(fingerprint(K1));
      expect(keyring.development).toBe(false);
      expect(decryptSecret(keyring, { dataSourceId: SOURCE_A, field: 'password', value })).toBe(SENTINEL);
    }
  });

  it('refuses keys that are not 32 bytes, without echoing them', () => {
    const tooLong = randomBytes(36).toString('base64');
    for (const ENCRYPTION_KEY of [tooLong, 'short', randomBytes(31).toString('hex'), 'z'.repeat(64)]) {
      const error = expectSecretError(() => loadKeyring({ NODE_ENV: 'test', ENCRYPTION_KEY }), 'config');
      expect(error.message).toContain('ENCRYPTION_KEY must be 32 random bytes');
      expect(error.message).not.toContain(ENCRYPTION_KEY);
    }
    const error = expectSecretError(
      () => loadKeyring({ ENCRYPTION_KEY: K1.toString('hex'), ENCRYPTION_KEYS: `old:${tooLong}` }),
      'config',
    );
    expect(error.message).toContain('ENCRYPTION_KEYS entry 1');
    expect(error.message).not.toContain(tooLong);
  });

  it('refuses to run production without a key, and derives a stable development key otherwise', () => {
    expect(expectSecretError(() => loadKeyring({ NODE_ENV: 'production' }), 'config').message).toContain(
      'ENCRYPTION_KEY is not set',
    );
    const first = loadKeyring({ NODE_ENV: 'development' });
    const second = loadKeyring({});
    expect(first.development).toBe(true);
    expect(second.primaryKeyId).toBe(first.primaryKeyId);
    const value = encryptSecret(first, { dataSourceId: SOURCE_A, field: 'password', plaintext: SENTINEL });
    expect(decryptSecret(second, { dataSourceId: SOURCE_A, field: 'password', value })).toBe(SENTINEL);
  });

  it('reads ENCRYPTION_KEYS as id:key pairs (or bare keys) and lets them name the primary', () => {
    const keyring = loadKeyring({
      ENCRYPTION_KEY: K2.toString('base64url'),
      ENCRYPTION_KEYS: [
        ` k2:${K2.toString('hex')} `,
        ` k1:${K1.toString('base64')}`,
        randomBytes(32).toString('hex'),
      ].join(','),
    });
    expect(keyring.primaryKeyId).toBe('k2');
    expect(keyring.keyIds.slice(0, 2)).toEqual(['k2', 'k1']);
    // A named key still answers to its fingerprint, so values written before it was named decrypt.
    const beforeNaming = encryptSecret(createKeyring({ primary: { key: K1 } }), {
      dataSourceId: SOURCE_A,
      field: 'password',
      plaintext: SENTINEL,
    });
    expect(decryptSecret(keyring, { dataSourceId: SOURCE_A, field: 'password', value: beforeNaming })).toBe(
      SENTINEL,
    );
  });

  it('refuses one id naming two keys, and ids that would break the format', () => {
    expectSecretError(
      () =>
        loadKeyring({
          ENCRYPTION_KEY: K1.toString('hex'),
          ENCRYPTION_KEYS: `old:${K2.toString('hex')},old:${randomBytes(32).toString('hex')}`,
        }),
      'config',
    );
    expectSecretError(
      () => loadKeyring({ ENCRYPTION_KEY: K1.toString('hex'), ENCRYPTION_KEYS: `a b:${K2.toString('hex')}` }),
      'config',
    );
  });
});

describe('key rotation (C4)', () => {
  const rowCount = 20;
  const fields = ['password', 'caPem'] as const;
  const plaintextOf = (row: number, field: string) => `${SENTINEL}-${row}-${field}`;

  /** An in-memory stand-in for data_sources: id → secrets map. */
  function seed(keyring: Keyring): Map<string, Record<string, string>> {
    const table = new Map<string, Record<string, string>>();
    for (let i = 0; i < rowCount; i++) {
      const id = `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
      const secrets: Record<string, string> = {};
      for (const field of fields) {
        secrets[field] = encryptSecret(keyring, {
          dataSourceId: id,
          field,
          plaintext: plaintextOf(i, field),
        });
      }
      table.set(id, secrets);
    }
    return table;
  }

  const rowsOf = (table: Map<string, Record<string, string>>): SecretRow[] =>
    [...table].map(([id, secrets]) => ({ id, secrets }));

  /** Persists each yielded row before pulling the next; `limit` simulates a crash after that many writes. */
  function runRotation(
    table: Map<string, Record<string, string>>,
    keyring: Keyring,
    limit = Infinity,
  ): number {
    let written = 0;
    for (const rotated of rotateSecrets(rowsOf(table), keyring)) {
      if (written >= limit) break;
      expect(table.get(rotated.id)).toEqual(rotated.before);
      table.set(rotated.id, rotated.after);
      written += 1;
    }
    return written;
  }

  it('re-encrypts under the new primary, survives an interruption, and needs the old key no more', () => {
    const k1Only = createKeyring({ primary: { key: K1, id: 'k1' } });
    const table = seed(k1Only);

    const k2WithK1 = createKeyring({ primary: { key: K2, id: 'k2' }, decrypt: [{ key: K1, id: 'k1' }] });
    // Old values still decrypt before any rotation has run.
    const [firstId, firstSecrets] = [...table][0]!;
    expect(
      decryptSecret(k2WithK1, { dataSourceId: firstId, field: 'password', value: firstSecrets.password! }),
    ).toBe(plaintextOf(0, 'password'));

    expect(runRotation(table, k2WithK1, rowCount / 2)).toBe(rowCount / 2);
    const keyIds = [...table.values()].flatMap((secrets) => Object.values(secrets).map(readKeyId));
    expect(keyIds.filter((id) => id === 'k2')).toHaveLength(rowCount);
    expect(keyIds.filter((id) => id === 'k1')).toHaveLength(rowCount);

    // The re-run skips the rows already done and finishes the rest.
    expect(runRotation(table, k2WithK1)).toBe(rowCount / 2);
    expect(runRotation(table, k2WithK1)).toBe(0);

    const k2Only = createKeyring({ primary: { key: K2, id: 'k2' } });
    let i = 0;
    for (const [id, secrets] of table) {
      for (const field of fields) {
        const value = secrets[field]!;
        expect(readKeyId(value)).toBe('k2');
        expect(needsRotation(k2Only, value)).toBe(false);
        expect(decryptSecret(k2Only, { dataSourceId: id, field, value })).toBe(plaintextOf(i, field));
      }
      i += 1;
    }
  });

  it('changes nothing when run twice', () => {
    const keyring = createKeyring({ primary: { key: K2 }, decrypt: [{ key: K1 }] });
    const table = seed(createKeyring({ primary: { key: K1 } }));
    expect(runRotation(table, keyring)).toBe(rowCount);
    const afterFirst = structuredClone(Object.fromEntries(table));
    expect(runRotation(table, keyring)).toBe(0);
    expect(Object.fromEntries(table)).toEqual(afterFirst);
    for (const row of rowsOf(table)) expect(rotateRowSecrets(keyring, row)).toBeNull();
  });

  it('rotates only the fields that need it and keeps the others byte for byte', () => {
    const keyring = createKeyring({ primary: { key: K2 }, decrypt: [{ key: K1 }] });
    const current = encryptSecret(keyring, { dataSourceId: SOURCE_A, field: 'password', plaintext: 'a' });
    const old = encryptSecret(createKeyring({ primary: { key: K1 } }), {
      dataSourceId: SOURCE_A,
      field: 'caPem',
      plaintext: 'b',
    });
    expect(needsRotation(keyring, current)).toBe(false);
    expect(needsRotation(keyring, old)).toBe(true);
    const rotated = rotateRowSecrets(keyring, { id: SOURCE_A, secrets: { password: current, caPem: old } });
    expect(rotated?.rotatedFields).toEqual(['caPem']);
    expect(rotated?.after.password).toBe(current);
    expect(readKeyId(rotated!.after.caPem!)).toBe(fingerprint(K2));
  });

  it('stops with the row and field named when an old key is missing, leaving earlier rows done', () => {
    const table = seed(createKeyring({ primary: { key: K1 } }));
    const lost = [...table.keys()][5]!;
    table.set(lost, {
      password: encryptSecret(createKeyring({ primary: { key: randomBytes(32) } }), {
        dataSourceId: lost,
        field: 'password',
        plaintext: SENTINEL,
      }),
    });
    const keyring = createKeyring({ primary: { key: K2 }, decrypt: [{ key: K1 }] });
    const error = caught(() => runRotation(table, keyring));
    expect(error.reason).toBe('unknown_key');
    expect(error.dataSourceId).toBe(lost);
    expect(error.field).toBe('password');
    expect(error.message).toContain('Add the old key to ENCRYPTION_KEYS');
    expect(error.message).not.toContain(SENTINEL);
    const done = [...table.values()].filter((s) =>
      Object.values(s).every((v) => readKeyId(v) === fingerprint(K2)),
    );
    expect(done).toHaveLength(5);
  });
});
