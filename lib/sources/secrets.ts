/**
 * Data-source credentials at rest: AES-256-GCM under a keyring of one primary (encrypting) key and any
 * number of older decrypt-only keys. A stored value reads `v1:<keyId>:<iv>:<tag>:<ciphertext>` (base64url
 * parts), and the data source id and field name are bound in as associated data, so a value copied to another
 * row or field fails. Nothing here touches the database: callers read rows, call these functions and write
 * the result back.
 */
import type { KeyObject } from 'node:crypto';
import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createSecretKey,
  randomBytes,
  scryptSync,
} from 'node:crypto';
import { AppError } from '@/lib/errors';
import { env } from '@/lib/env';

const FORMAT_VERSION = 'v1';
const ALGORITHM = 'aes-256-gcm';
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/;
const FIELD_NAME = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;
const BASE64URL = /^[A-Za-z0-9_-]*$/;
const KEY_HINT = 'generate one with `openssl rand -base64 32`';

/** Public on purpose: it only keeps a laptop install working without setup, and production refuses it. */
const DEVELOPMENT_PASSPHRASE = 'sightline-development-encryption-key-not-for-production';
const DEVELOPMENT_SALT = 'sightline-dev-keyring-v1';

export type SecretErrorReason = 'config' | 'context' | 'malformed' | 'unknown_key' | 'tampered';

/** Messages name key ids and field names at most: never a plaintext, a ciphertext or key material. */
export class SecretError extends AppError {
  readonly reason: SecretErrorReason;
  readonly dataSourceId?: string;
  readonly field?: string;

  constructor(
    reason: SecretErrorReason,
    message: string,
    where: { dataSourceId?: string; field?: string } = {},
  ) {
    super('internal', message);
    this.name = 'SecretError';
    this.reason = reason;
    this.dataSourceId = where.dataSourceId;
    this.field = where.field;
  }
}

/** What callers may see of a keyring; key material lives in a WeakMap, so logging a keyring shows no key. */
export type Keyring = {
  readonly primaryKeyId: string;
  /** Every id that decrypts, the primary first. */
  readonly keyIds: readonly string[];
  /** True when no ENCRYPTION_KEY was set and the public development key is in use. */
  readonly development: boolean;
};

const keyMaterial = new WeakMap<Keyring, ReadonlyMap<string, KeyObject>>();

export type KeySpec = { key: Uint8Array | string; id?: string };

export type SecretContext = { dataSourceId: string; field: string };

type ParsedValue = { keyId: string; iv: Buffer; tag: Buffer; ciphertext: Buffer };

function fingerprintKey(key: Buffer): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 8);
}

/** Decodes a 32-byte key from 64 hex characters or base64/base64url; `label` names it without echoing it. */
export function decodeKey(text: string, label: string): Buffer {
  const value = text.trim();
  if (/^[0-9a-fA-F]{64}$/.test(value)) return Buffer.from(value, 'hex');
  if (/^[A-Za-z0-9+/_-]{43}=?$/.test(value)) {
    const bytes = Buffer.from(value.replaceAll('-', '+').replaceAll('_', '/'), 'base64');
    if (bytes.length === KEY_BYTES) return bytes;
  }
  throw new SecretError(
    'config',
    `${label} must be 32 random bytes written as base64 (44 characters) or hex (64 characters); ${KEY_HINT}.`,
  );
}

function toKeyBytes(spec: KeySpec, label: string): Buffer {
  if (typeof spec.key === 'string') return decodeKey(spec.key, label);
  if (spec.key.length !== KEY_BYTES) {
    throw new SecretError('config', `${label} must be exactly ${KEY_BYTES} bytes.`);
  }
  return Buffer.from(spec.key);
}

/**
 * Builds a keyring from explicit keys. A key without an id is known by the first 8 hex characters of its
 * SHA-256; a named key answers to its fingerprint too, so values written before it was named still decrypt.
 */
export function createKeyring(opts: {
  primary: KeySpec;
  decrypt?: readonly KeySpec[];
  development?: boolean;
}): Keyring {
  const ids = new Map<string, Buffer>();
  const order: string[] = [];
  const register = (id: string, bytes: Buffer, label: string) => {
    const known = ids.get(id);
    if (known && !known.equals(bytes)) {
      throw new SecretError(
        'config',
        `Key id ${id} (${label}) names two different keys; give each key its own id.`,
      );
    }
    if (!known) {
      ids.set(id, bytes);
      order.push(id);
    }
  };

  const decrypt = (opts.decrypt ?? []).map((spec, i) => {
    const label = `decrypt key ${i + 1}`;
    if (spec.id !== undefined && !KEY_ID.test(spec.id)) {
      throw new SecretError(
        'config',
        `The id of ${label} may use only letters, digits, "_" and "-" (at most 32).`,
      );
    }
    return { spec, label, bytes: toKeyBytes(spec, label) };
  });
  const primaryBytes = toKeyBytes(opts.primary, 'the primary key');
  if (opts.primary.id !== undefined && !KEY_ID.test(opts.primary.id)) {
    throw new SecretError(
      'config',
      'The primary key id may use only letters, digits, "_" and "-" (at most 32).',
    );
  }
  // The primary takes the name a decrypt entry gives the same key, so rotation writes the id the admin chose.
  const primaryId =
    opts.primary.id ??
    decrypt.find((d) => d.spec.id !== undefined && d.bytes.equals(primaryBytes))?.spec.id ??
    fingerprintKey(primaryBytes);

  register(primaryId, primaryBytes, 'the primary key');
  for (const { spec, label, bytes } of decrypt) register(spec.id ?? fingerprintKey(bytes), bytes, label);
  register(fingerprintKey(primaryBytes), primaryBytes, 'the primary key');
  for (const { label, bytes } of decrypt) register(fingerprintKey(bytes), bytes, label);

  const keyring: Keyring = Object.freeze({
    primaryKeyId: primaryId,
    keyIds: Object.freeze([...order]),
    development: opts.development ?? false,
  });
  keyMaterial.set(keyring, new Map([...ids].map(([id, bytes]) => [id, createSecretKey(bytes)])));
  return keyring;
}

function parseKeyList(text: string | undefined): KeySpec[] {
  if (!text) return [];
  return text
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '')
    .map((entry, i) => {
      const colon = entry.indexOf(':');
      const label = `ENCRYPTION_KEYS entry ${i + 1}`;
      if (colon === -1) return { key: decodeKey(entry, label) };
      const id = entry.slice(0, colon).trim();
      if (!KEY_ID.test(id)) {
        throw new SecretError(
          'config',
          `${label} must read id:key, with an id of letters, digits, "_" and "-" (at most 32).`,
        );
      }
      return { id, key: decodeKey(entry.slice(colon + 1), label) };
    });
}

export type KeyringEnv = { NODE_ENV?: string; ENCRYPTION_KEY?: string; ENCRYPTION_KEYS?: string };

/**
 * Reads ENCRYPTION_KEY (primary) and ENCRYPTION_KEYS (older, decrypt-only). Without ENCRYPTION_KEY,
 * development and tests get a fixed key derived from a public constant; production has no fallback.
 */
export function loadKeyring(source: KeyringEnv): Keyring {
  const decrypt = parseKeyList(source.ENCRYPTION_KEYS);
  if (source.ENCRYPTION_KEY) {
    return createKeyring({ primary: { key: decodeKey(source.ENCRYPTION_KEY, 'ENCRYPTION_KEY') }, decrypt });
  }
  if (source.NODE_ENV === 'production') {
    throw new SecretError('config', `ENCRYPTION_KEY is not set; ${KEY_HINT}.`);
  }
  const key = scryptSync(DEVELOPMENT_PASSPHRASE, DEVELOPMENT_SALT, KEY_BYTES);
  return createKeyring({ primary: { key }, decrypt, development: true });
}

let cachedKeyring: Keyring | undefined;

/** The process-wide keyring from lib/env, built once. */
export function getKeyring(): Keyring {
  cachedKeyring ??= loadKeyring(env());
  return cachedKeyring;
}

function keysOf(keyring: Keyring): ReadonlyMap<string, KeyObject> {
  const keys = keyMaterial.get(keyring);
  if (!keys) throw new SecretError('config', 'Use a keyring made by loadKeyring or createKeyring.');
  return keys;
}

function checkContext({ dataSourceId, field }: SecretContext): string {
  // A `|` in either part would let two different (row, field) pairs share associated data.
  if (typeof dataSourceId !== 'string' || dataSourceId === '' || dataSourceId.includes('|')) {
    throw new SecretError('context', 'A credential needs the id of its data source.');
  }
  if (typeof field !== 'string' || !FIELD_NAME.test(field)) {
    throw new SecretError('context', 'A credential field name must be letters, digits and "_".');
  }
  return `${dataSourceId}|${field}`;
}

function decodePart(part: string, bytes: number | null): Buffer | null {
  if (!BASE64URL.test(part)) return null;
  const decoded = Buffer.from(part, 'base64url');
  // Only the canonical spelling is accepted, so every changed character is a changed value.
  if (decoded.toString('base64url') !== part) return null;
  if (bytes !== null && decoded.length !== bytes) return null;
  return decoded;
}

function parseValue(value: string, where: Partial<SecretContext> = {}): ParsedValue {
  const malformed = () =>
    new SecretError(
      'malformed',
      'Stored credential is not in the v1:<keyId>:<iv>:<tag>:<ciphertext> format. ' +
        'Enter the credential again.',
      where,
    );
  if (typeof value !== 'string') throw malformed();
  const parts = value.split(':');
  if (parts.length !== 5) throw malformed();
  const [version, keyId, ivText, tagText, ciphertextText] = parts as [string, string, string, string, string];
  if (version !== FORMAT_VERSION || !KEY_ID.test(keyId)) throw malformed();
  const iv = decodePart(ivText, IV_BYTES);
  const tag = decodePart(tagText, TAG_BYTES);
  const ciphertext = decodePart(ciphertextText, null);
  if (!iv || !tag || !ciphertext) throw malformed();
  return { keyId, iv, tag, ciphertext };
}

/** The key id a stored value was written under, for reports and rotation. */
export function readKeyId(value: string): string {
  return parseValue(value).keyId;
}

/** Encrypts one credential under the primary key with a fresh random IV. */
export function encryptSecret(keyring: Keyring, input: SecretContext & { plaintext: string }): string {
  const aad = checkContext(input);
  if (typeof input.plaintext !== 'string') {
    throw new SecretError('context', 'A credential must be text.', {
      dataSourceId: input.dataSourceId,
      field: input.field,
    });
  }
  const key = keysOf(keyring).get(keyring.primaryKeyId);
  if (!key) throw new SecretError('config', 'The keyring has no primary key.');
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(input.plaintext, 'utf8'), cipher.final()]);
  const tag = cipher.getAuthTag();
  return [FORMAT_VERSION, keyring.primaryKeyId, iv, tag, ciphertext]
    .map((part) => (typeof part === 'string' ? part : part.toString('base64url')))
    .join(':');
}

/** Decrypts one credential; any change to the value, or use on another row or field, throws a SecretError. */
export function decryptSecret(keyring: Keyring, input: SecretContext & { value: string }): string {
  const aad = checkContext(input);
  const where = { dataSourceId: input.dataSourceId, field: input.field };
  const { keyId, iv, tag, ciphertext } = parseValue(input.value, where);
  const key = keysOf(keyring).get(keyId);
  if (!key) {
    throw new SecretError(
      'unknown_key',
      `Stored credential cannot be decrypted: unknown key id ${keyId}. Add the old key to ENCRYPTION_KEYS.`,
      where,
    );
  }
  try {
    const decipher = createDecipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
    decipher.setAuthTag(tag);
    decipher.setAAD(Buffer.from(aad, 'utf8'));
    return Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString('utf8');
  } catch {
    // The crypto error says only "unable to authenticate"; ours says what the admin can do about it.
    throw new SecretError(
      'tampered',
      'Stored credential cannot be decrypted: it was altered or belongs to another data source or field. ' +
        'Enter the credential again.',
      where,
    );
  }
}

/** True when the value was written under a key other than the primary, so rotation should rewrite it. */
export function needsRotation(keyring: Keyring, value: string): boolean {
  return parseValue(value).keyId !== keyring.primaryKeyId;
}

export type SecretRow = { id: string; secrets: Readonly<Record<string, string>> };

export type RotatedRow = {
  id: string;
  /** The map as read: write `after` only where the row still holds it, so a concurrent edit is not lost. */
  before: Readonly<Record<string, string>>;
  after: Record<string, string>;
  rotatedFields: string[];
};

/** Re-encrypts the fields of one row that are not under the primary key; null when nothing needs doing. */
export function rotateRowSecrets(keyring: Keyring, row: SecretRow): RotatedRow | null {
  const after: Record<string, string> = {};
  const rotatedFields: string[] = [];
  for (const [field, value] of Object.entries(row.secrets)) {
    const where = { dataSourceId: row.id, field };
    if (parseValue(value, where).keyId === keyring.primaryKeyId) {
      after[field] = value;
      continue;
    }
    const plaintext = decryptSecret(keyring, { ...where, value });
    after[field] = encryptSecret(keyring, { ...where, plaintext });
    rotatedFields.push(field);
  }
  return rotatedFields.length === 0 ? null : { id: row.id, before: row.secrets, after, rotatedFields };
}

/**
 * Yields, row by row, the rows that need re-encrypting. Persist each before pulling the next: a crash loses
 * at most one row's work, and a re-run skips every row already under the primary key.
 */
export function* rotateSecrets(rows: Iterable<SecretRow>, keyring: Keyring): Generator<RotatedRow, void> {
  for (const row of rows) {
    const rotated = rotateRowSecrets(keyring, row);
    if (rotated) yield rotated;
  }
}
