/**
 * The one outbound-target guard, for warehouse hosts and webhook URLs alike, run at save time and again
 * right before every connect or send. It resolves the name, refuses it when any address is internal
 * (loopback, private, link-local, …) unless ALLOWED_OUTBOUND_HOSTS lists it, and returns the addresses it
 * checked so the caller connects to exactly those: a second lookup at connect time could be answered
 * differently (DNS rebinding).
 */
import { lookup } from 'node:dns/promises';
import type { LookupFunction } from 'node:net';
import { isIP } from 'node:net';
import { env } from '@/lib/env';
import { AppError } from '@/lib/errors';
import { textProblem } from '@/lib/text';

export type OutboundPurpose = 'warehouse' | 'webhook';
export type ResolvedAddress = { address: string; family: 4 | 6 };
export type ResolveHost = (host: string) => Promise<readonly ResolvedAddress[]>;

export type Cidr = { family: 4 | 6; bytes: Uint8Array; prefix: number };
export type AllowList = { readonly hosts: ReadonlySet<string>; readonly ranges: readonly Cidr[] };

export type OutboundDeps = {
  /** Defaults to the system resolver (`dns.promises.lookup` with `all: true`). */
  resolve?: ResolveHost;
  /** An AllowList or the raw ALLOWED_OUTBOUND_HOSTS text; defaults to lib/env. */
  allowedHosts?: AllowList | string;
};

export type CheckedTarget = {
  /** Lower-cased, without brackets or a trailing dot. */
  host: string;
  port: number;
  purpose: OutboundPurpose;
  /** Connect to one of these, not to `host`: they are what the guard checked. */
  addresses: readonly ResolvedAddress[];
};

export type CheckedWebhook = CheckedTarget & { url: URL };

export type BlockReason =
  | 'invalid_host'
  | 'non_canonical_ip'
  | 'invalid_port'
  | 'unresolvable'
  | 'loopback'
  | 'private'
  | 'cgnat'
  | 'link_local'
  | 'unspecified'
  | 'multicast'
  | 'reserved'
  | 'ipv4_mapped'
  | 'invalid_url'
  | 'scheme'
  | 'credentials';

export class OutboundTargetError extends AppError {
  readonly reason: BlockReason;

  constructor(reason: BlockReason, message: string, opts: { cause?: unknown } = {}) {
    super('validation', message, opts);
    this.name = 'OutboundTargetError';
    this.reason = reason;
  }
}

/** Webhook senders must pass these to fetch: a redirect could point a checked URL at an internal one. */
export const WEBHOOK_FETCH_OPTIONS = { redirect: 'manual' } as const satisfies RequestInit;

export const MAX_WEBHOOK_URL_LENGTH = 2048;

type BlockedRange = { cidr: Cidr; reason: BlockReason; label: string; allowlistable: boolean };

const LABELS: Record<string, string> = {
  loopback: 'a loopback address (this machine)',
  private: 'a private address',
  cgnat: 'a shared carrier-grade NAT address',
  link_local: 'a link-local address (cloud metadata services live here)',
  unspecified: 'the unspecified address',
  multicast: 'a multicast address',
  reserved: 'a reserved address',
  ipv4_mapped: 'an IPv6 address wrapping an IPv4 address',
};

const IPV4_PART = /^(?:0|[1-9]\d{0,2})$/;
const DNS_LABEL = /^[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?$/;
const NUMERIC_LABEL = /^(?:\d+|0x[0-9a-f]*)$/i;

function parseIpv4(text: string): Uint8Array | null {
  const parts = text.split('.');
  if (parts.length !== 4 || !parts.every((p) => IPV4_PART.test(p) && Number(p) <= 255)) return null;
  return Uint8Array.from(parts.map(Number));
}

function parseIpv6(text: string): Uint8Array | null {
  if (isIP(text) !== 6 || text.includes('%')) return null;
  let head = text;
  const tail: number[] = [];
  const lastColon = text.lastIndexOf(':');
  if (text.slice(lastColon + 1).includes('.')) {
    const v4 = parseIpv4(text.slice(lastColon + 1));
    if (!v4) return null;
    tail.push((v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!);
    head = text.slice(0, lastColon + 1);
    // `::1.2.3.4` leaves `::`, `a::1.2.3.4` leaves `a::`, `a:b:…:f:1.2.3.4` leaves `a:…:f:`.
    if (!head.endsWith('::')) head = head.slice(0, -1);
  }
  const [left = '', right] = head.split('::');
  const toGroups = (s: string) => (s === '' ? [] : s.split(':').map((g) => parseInt(g, 16)));
  const leftGroups = toGroups(left);
  const rightGroups = [...(right === undefined ? [] : toGroups(right)), ...tail];
  const missing = 8 - leftGroups.length - rightGroups.length;
  if (right === undefined ? missing !== 0 : missing < 1) return null;
  const groups = [...leftGroups, ...Array<number>(missing).fill(0), ...rightGroups];
  const bytes = new Uint8Array(16);
  groups.forEach((g, i) => {
    bytes[i * 2] = g >> 8;
    bytes[i * 2 + 1] = g & 0xff;
  });
  return bytes;
}

/** Parses a canonical IPv4 (a.b.c.d, decimal, no leading zeros) or IPv6 literal; null for anything else. */
export function parseIpAddress(text: string): { family: 4 | 6; bytes: Uint8Array } | null {
  if (isIP(text) === 4) {
    const bytes = parseIpv4(text);
    return bytes ? { family: 4, bytes } : null;
  }
  const bytes = parseIpv6(text);
  return bytes ? { family: 6, bytes } : null;
}

/** Parses `addr/prefix` (or a bare address as a single-address range); null when it is not one. */
export function parseCidr(text: string): Cidr | null {
  const [address = '', prefixText, extra] = text.trim().split('/');
  if (extra !== undefined) return null;
  const ip = parseIpAddress(address);
  if (!ip) return null;
  const max = ip.family === 4 ? 32 : 128;
  if (prefixText === undefined) return { ...ip, prefix: max };
  if (!/^(?:0|[1-9]\d{0,2})$/.test(prefixText) || Number(prefixText) > max) return null;
  return { ...ip, prefix: Number(prefixText) };
}

/** True when the address lies inside the range; families never match each other. */
export function isInCidr(ip: { family: 4 | 6; bytes: Uint8Array }, cidr: Cidr): boolean {
  if (ip.family !== cidr.family) return false;
  const whole = Math.floor(cidr.prefix / 8);
  for (let i = 0; i < whole; i++) if (ip.bytes[i] !== cidr.bytes[i]) return false;
  const rest = cidr.prefix % 8;
  if (rest === 0) return true;
  const mask = (0xff << (8 - rest)) & 0xff;
  return ((ip.bytes[whole] ?? 0) & mask) === ((cidr.bytes[whole] ?? 0) & mask);
}

function range(text: string, reason: BlockReason, allowlistable: boolean, label?: string): BlockedRange {
  const cidr = parseCidr(text);
  if (!cidr) throw new Error(`bad built-in range ${text}`);
  return { cidr, reason, allowlistable, label: label ?? LABELS[reason] ?? 'a reserved address' };
}

/** Ordered most specific first: `::` and `::1` sit inside `::/96`, which is checked after them. */
const BLOCKED_RANGES: readonly BlockedRange[] = [
  range('0.0.0.0/8', 'unspecified', false),
  range('127.0.0.0/8', 'loopback', true),
  range('10.0.0.0/8', 'private', true),
  range('172.16.0.0/12', 'private', true),
  range('192.168.0.0/16', 'private', true),
  range('100.64.0.0/10', 'cgnat', true),
  range('169.254.0.0/16', 'link_local', true),
  range('192.0.0.0/24', 'reserved', true),
  range('192.0.2.0/24', 'reserved', true),
  range('198.18.0.0/15', 'reserved', true),
  range('198.51.100.0/24', 'reserved', true),
  range('203.0.113.0/24', 'reserved', true),
  range('224.0.0.0/4', 'multicast', false),
  range('240.0.0.0/4', 'reserved', false, 'a reserved or broadcast address'),
  range('::/128', 'unspecified', false),
  range('::1/128', 'loopback', true),
  range('::ffff:0:0/96', 'ipv4_mapped', false),
  range('::ffff:0:0:0/96', 'ipv4_mapped', false),
  range('::/96', 'ipv4_mapped', false),
  range('64:ff9b::/96', 'ipv4_mapped', false, 'a NAT64 address wrapping an IPv4 address'),
  range('64:ff9b:1::/48', 'ipv4_mapped', false, 'a NAT64 address wrapping an IPv4 address'),
  range('2002::/16', 'ipv4_mapped', false, 'a 6to4 address wrapping an IPv4 address'),
  range('2001::/32', 'ipv4_mapped', false, 'a Teredo address wrapping an IPv4 address'),
  range('100::/64', 'reserved', false),
  range('2001:db8::/32', 'reserved', true),
  range('fc00::/7', 'private', true),
  range('fec0::/10', 'private', true),
  range('fe80::/10', 'link_local', true),
  range('ff00::/8', 'multicast', false),
];

function findBlockedRange(ip: { family: 4 | 6; bytes: Uint8Array }): BlockedRange | null {
  return BLOCKED_RANGES.find((r) => isInCidr(ip, r.cidr)) ?? null;
}

function normalizeHost(host: string): string {
  const unbracketed = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  return unbracketed.toLowerCase().replace(/\.$/, '');
}

/** Parses ALLOWED_OUTBOUND_HOSTS: comma-separated host names, IP addresses and CIDR ranges. */
export function parseAllowedHosts(text: string | undefined): AllowList {
  const hosts = new Set<string>();
  const ranges: Cidr[] = [];
  for (const raw of (text ?? '').split(',')) {
    const entry = normalizeHost(raw.trim());
    if (entry === '') continue;
    const cidr = parseCidr(entry);
    if (cidr) ranges.push(cidr);
    else if (!entry.includes('/') && isHostName(entry)) hosts.add(entry);
    else {
      throw new AppError(
        'internal',
        `ALLOWED_OUTBOUND_HOSTS entry "${raw.trim()}" is neither a host name nor an address range ` +
          'like 10.0.0.0/8.',
      );
    }
  }
  return { hosts, ranges };
}

function isHostName(host: string): boolean {
  const labels = host.split('.');
  return (
    host.length <= 253 && !NUMERIC_LABEL.test(labels.at(-1) ?? '') && labels.every((l) => DNS_LABEL.test(l))
  );
}

let cachedAllowList: { text: string | undefined; list: AllowList } | undefined;

function resolveAllowList(allowed: OutboundDeps['allowedHosts']): AllowList {
  if (allowed !== undefined && typeof allowed !== 'string') return allowed;
  const text = allowed ?? env().ALLOWED_OUTBOUND_HOSTS;
  if (!cachedAllowList || cachedAllowList.text !== text) {
    cachedAllowList = { text, list: parseAllowedHosts(text) };
  }
  return cachedAllowList.list;
}

/** The system resolver: every A and AAAA answer, unsorted, as the connect call would see them. */
export const resolveWithSystemDns: ResolveHost = async (host) =>
  (await lookup(host, { all: true, verbatim: true })).map((a) => ({
    address: a.address,
    family: a.family === 6 ? 6 : 4,
  }));

function subjectOf(purpose: OutboundPurpose): string {
  return purpose === 'webhook' ? 'Webhook host' : 'Host';
}

/** Refuses anything that is not a canonical IP literal or a DNS name, before any lookup happens. */
function checkHostSyntax(host: string, subject: string): 'ip' | 'name' {
  const problem = typeof host === 'string' ? textProblem(host) : 'must be text';
  if (problem || host === '' || host.length > 253 || /[\s/@?#\\%]/.test(host)) {
    throw new OutboundTargetError('invalid_host', `${subject} must be a host name or IP address.`);
  }
  if (isIP(host) !== 0) return 'ip';
  if (host.includes(':')) {
    throw new OutboundTargetError('invalid_host', `${subject} ${host} is not a valid IPv6 address.`);
  }
  // getaddrinfo reads 2130706433, 0177.0.0.1 and 0x7f.1 as 127.0.0.1; only a.b.c.d is an address here.
  if (NUMERIC_LABEL.test(host.split('.').at(-1) ?? '')) {
    throw new OutboundTargetError(
      'non_canonical_ip',
      `${subject} ${host} is not a valid address: write IPv4 addresses as four decimal numbers, ` +
        'like 10.0.0.5.',
    );
  }
  if (!isHostName(host)) {
    throw new OutboundTargetError('invalid_host', `${subject} ${host} is not a valid host name.`);
  }
  return 'name';
}

function checkAddress(
  address: string,
  ctx: { host: string; subject: string; literal: boolean; allowedByName: boolean; allowList: AllowList },
): void {
  const ip = parseIpAddress(address.split('%')[0] ?? '');
  const where = ctx.literal
    ? `${ctx.subject} ${ctx.host}`
    : `${ctx.subject} ${ctx.host} resolves to ${address},`;
  if (!ip) {
    throw new OutboundTargetError('unresolvable', `${where} which is not an IP address Sightline can use.`);
  }
  const blocked = findBlockedRange(ip);
  if (!blocked) return;
  if (blocked.allowlistable && (ctx.allowedByName || ctx.allowList.ranges.some((r) => isInCidr(ip, r)))) {
    return;
  }
  const what = ctx.literal ? `${where} is ${blocked.label}.` : `${where} ${blocked.label}.`;
  const next = blocked.allowlistable
    ? ` Add ${ctx.literal ? 'it' : ctx.host} to ALLOWED_OUTBOUND_HOSTS if Sightline should reach it.`
    : blocked.reason === 'ipv4_mapped'
      ? ' Use a plain IPv4 address or a host name instead.'
      : ' Sightline never connects to it.';
  throw new OutboundTargetError(blocked.reason, what + next);
}

/**
 * Checks a host and port Sightline is about to reach. Call it when saving and again before each connect or
 * send, and connect to one of the returned addresses (with `host` as the TLS server name).
 */
export async function checkOutboundTarget(
  target: { host: string; port: number; purpose: OutboundPurpose },
  deps: OutboundDeps = {},
): Promise<CheckedTarget> {
  const subject = subjectOf(target.purpose);
  const host = normalizeHost(typeof target.host === 'string' ? target.host : '');
  const kind = checkHostSyntax(host, subject);
  if (!Number.isInteger(target.port) || target.port < 1 || target.port > 65535) {
    throw new OutboundTargetError('invalid_port', `${subject} port must be a whole number from 1 to 65535.`);
  }
  const allowList = resolveAllowList(deps.allowedHosts);
  let addresses: readonly ResolvedAddress[];
  if (kind === 'ip') {
    addresses = [{ address: host, family: isIP(host) === 6 ? 6 : 4 }];
  } else {
    try {
      addresses = await (deps.resolve ?? resolveWithSystemDns)(host);
    } catch (error) {
      throw new OutboundTargetError('unresolvable', `${subject} ${host} could not be resolved.`, {
        cause: error,
      });
    }
    if (addresses.length === 0) {
      throw new OutboundTargetError('unresolvable', `${subject} ${host} could not be resolved.`);
    }
  }
  const ctx = { host, subject, literal: kind === 'ip', allowedByName: allowList.hosts.has(host), allowList };
  // One forbidden answer is enough: the connect call may pick any of them.
  for (const { address } of addresses) checkAddress(address, ctx);
  return { host, port: target.port, purpose: target.purpose, addresses: [...addresses] };
}

function hasUnsafeUrlCharacter(url: string): boolean {
  for (const char of url) {
    const code = char.charCodeAt(0);
    if (code <= 0x20 || code === 0x7f || char === '\\') return true;
  }
  return false;
}

/** Checks a webhook URL: http(s) only, no credentials in it, then the host check. */
export async function checkWebhookUrl(url: string, deps: OutboundDeps = {}): Promise<CheckedWebhook> {
  if (typeof url !== 'string' || url === '' || url.length > MAX_WEBHOOK_URL_LENGTH) {
    throw new OutboundTargetError(
      'invalid_url',
      `Webhook URL must be at most ${MAX_WEBHOOK_URL_LENGTH} characters.`,
    );
  }
  const problem = textProblem(url);
  // The URL parser silently drops tabs and newlines and reads `\` as `/`; refuse them instead of guessing.
  if (problem || hasUnsafeUrlCharacter(url)) {
    throw new OutboundTargetError(
      'invalid_url',
      'Webhook URL must not contain spaces, control characters or "\\".',
    );
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new OutboundTargetError('invalid_url', 'Webhook URL is not a valid URL.');
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    throw new OutboundTargetError(
      'scheme',
      `Webhook URL must start with https:// or http://, not ${parsed.protocol}//.`,
    );
  }
  if (parsed.username !== '' || parsed.password !== '') {
    throw new OutboundTargetError(
      'credentials',
      'Webhook URL must not contain a user name or password; requests are signed instead.',
    );
  }
  const port = parsed.port === '' ? (parsed.protocol === 'https:' ? 443 : 80) : Number(parsed.port);
  const checked = await checkOutboundTarget({ host: parsed.hostname, port, purpose: 'webhook' }, deps);
  return { ...checked, url: parsed };
}

/**
 * A `lookup` for node:net, node:http(s) or an undici Agent that answers only with the checked addresses, so
 * the socket goes where the guard looked and nowhere else.
 */
export function createPinnedLookup(target: CheckedTarget): LookupFunction {
  return (hostname, options, callback) => {
    const wanted = options.family === 'IPv4' ? 4 : options.family === 'IPv6' ? 6 : (options.family ?? 0);
    const answers = target.addresses.filter((a) => wanted === 0 || a.family === wanted);
    const first = answers[0];
    if (normalizeHost(hostname) !== target.host || !first) {
      const error: NodeJS.ErrnoException = new Error(`${hostname} was not checked by the outbound guard.`);
      error.code = 'ENOTFOUND';
      callback(error, '', 0);
      return;
    }
    if (options.all)
      callback(
        null,
        answers.map((a) => ({ address: a.address, family: a.family })),
      );
    else callback(null, first.address, first.family);
  };
}
