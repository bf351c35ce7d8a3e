/**
 * C2: one outbound guard for warehouse hosts and webhook URLs, with a stub resolver standing in for DNS.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it, vi } from 'vitest';
import type { BlockReason, OutboundDeps, ResolvedAddress, ResolveHost } from '@/lib/net/outbound-guard';
import {
  checkOutboundTarget,
  checkWebhookUrl,
  createPinnedLookup,
  isInCidr,
  OutboundTargetError,
  parseAllowedHosts,
  parseCidr,
  parseIpAddress,
  WEBHOOK_FETCH_OPTIONS,
} from '@/lib/net/outbound-guard';

const PUBLIC_V4 = '93.184.215.14';
const PUBLIC_V6 = '2606:2800:21f:cb07:6820:80da:af6b:8b2c';

const toAnswers = (addresses: string[]): ResolvedAddress[] =>
  addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));

/** A resolver answering from a fixed table; unknown names fail like NXDOMAIN. */
function stubResolver(table: Record<string, string[]>) {
  return vi.fn<ResolveHost>(async (host) => {
    const answers = table[host];
    if (!answers) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
    return toAnswers(answers);
  });
}

const noAllowList = parseAllowedHosts(undefined);
const deps = (table: Record<string, string[]> = {}, allowedHosts: string = ''): OutboundDeps => ({
  resolve: stubResolver(table),
  allowedHosts,
});

async function blocked(promise: Promise<unknown>): Promise<OutboundTargetError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof OutboundTargetError) return error;
    throw error;
  }
  throw new Error('expected the guard to refuse');
}

const warehouse = (host: string, port = 5432) => ({ host, port, purpose: 'warehouse' as const });

describe('the CIDR matcher', () => {
  it.each([
    ['10.0.0.0/8', '10.0.0.0', true],
    ['10.0.0.0/8', '10.255.255.255', true],
    ['10.0.0.0/8', '11.0.0.0', false],
    ['10.0.0.0/8', '9.255.255.255', false],
    ['172.16.0.0/12', '172.31.255.255', true],
    ['172.16.0.0/12', '172.32.0.0', false],
    ['172.16.0.0/12', '172.15.255.255', false],
    ['100.64.0.0/10', '100.127.255.255', true],
    ['100.64.0.0/10', '100.128.0.0', false],
    ['0.0.0.0/0', '8.8.8.8', true],
    ['8.8.8.8/32', '8.8.8.8', true],
    ['8.8.8.8/32', '8.8.8.9', false],
    ['8.8.8.8', '8.8.8.8', true],
    ['10.1.2.3/8', '10.200.0.1', true],
    ['fe80::/10', 'fe80::1', true],
    ['fe80::/10', 'febf:ffff::1', true],
    ['fe80::/10', 'fec0::1', false],
    ['fc00::/7', 'fdff::1', true],
    ['fc00::/7', 'fe00::1', false],
    ['::/0', '2001:db8::1', true],
    ['::1/128', '0:0:0:0:0:0:0:1', true],
    ['::ffff:0:0/96', '::ffff:127.0.0.1', true],
    ['::ffff:0:0/96', '::ffff:7f00:1', true],
    ['10.0.0.0/8', '::ffff:10.0.0.1', false],
    ['::/0', '10.0.0.1', false],
  ])('%s contains %s: %s', (cidr, address, expected) => {
    const range = parseCidr(cidr);
    const ip = parseIpAddress(address);
    expect(range).not.toBeNull();
    expect(ip).not.toBeNull();
    expect(isInCidr(ip!, range!)).toBe(expected);
  });

  it.each([
    '10.0.0.0/33',
    '::/129',
    '10.0.0/8',
    '10.0.0.0/08',
    '10.0.0.0/-1',
    '10.0.0.0/8/8',
    'x/1',
    '10.0.0.0/',
    '',
  ])('refuses the range %j', (text) => expect(parseCidr(text)).toBeNull());

  it('parses only canonical addresses', () => {
    expect(parseIpAddress('1:2:3:4:5:6:1.2.3.4')?.bytes).toEqual(
      Uint8Array.from([0, 1, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6, 1, 2, 3, 4]),
    );
    expect(parseIpAddress('::ffff:127.0.0.1')?.bytes).toEqual(parseIpAddress('::ffff:7f00:1')?.bytes);
    for (const text of [
      '0177.0.0.1',
      '127.1',
      '2130706433',
      '0x7f.1',
      '127.0.0.01',
      'fe80::1%eth0',
      '[::1]',
      '1:2',
    ]) {
      expect(parseIpAddress(text), text).toBeNull();
    }
  });
});

describe('checkOutboundTarget: the attack corpus', () => {
  it.each<[string, BlockReason]>([
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['::1', 'loopback'],
    ['0:0:0:0:0:0:0:1', 'loopback'],
    ['[::1]', 'loopback'],
    ['127.0.0.1.', 'loopback'],
    ['0.0.0.0', 'unspecified'],
    ['0.1.2.3', 'unspecified'],
    ['::', 'unspecified'],
    ['169.254.169.254', 'link_local'],
    ['169.254.0.1', 'link_local'],
    ['fe80::1', 'link_local'],
    ['febf::1', 'link_local'],
    ['10.0.0.5', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['fc00::1', 'private'],
    ['fd12:3456:789a::1', 'private'],
    ['100.64.0.1', 'cgnat'],
    ['100.127.255.255', 'cgnat'],
    ['224.0.0.1', 'multicast'],
    ['239.255.255.250', 'multicast'],
    ['ff02::1', 'multicast'],
    ['255.255.255.255', 'reserved'],
    ['240.0.0.1', 'reserved'],
    ['::ffff:127.0.0.1', 'ipv4_mapped'],
    ['::ffff:7f00:1', 'ipv4_mapped'],
    ['::FFFF:7F00:1', 'ipv4_mapped'],
    ['0:0:0:0:0:ffff:7f00:1', 'ipv4_mapped'],
    ['::ffff:10.0.0.5', 'ipv4_mapped'],
    ['::ffff:8.8.8.8', 'ipv4_mapped'],
    ['::127.0.0.1', 'ipv4_mapped'],
    ['64:ff9b::7f00:1', 'ipv4_mapped'],
    ['2002:7f00:1::1', 'ipv4_mapped'],
  ])('refuses the address %s (%s) without a lookup', async (host, reason) => {
    const d = deps();
    const error = await blocked(checkOutboundTarget(warehouse(host), d));
    expect(error.reason).toBe(reason);
    expect(error.status).toBe(400);
    expect(d.resolve).not.toHaveBeenCalled();
  });

  it.each([
    '2130706433',
    '0177.0.0.1',
    '0x7f.1',
    '0x7f000001',
    '127.1',
    '127.0.0.01',
    '017700000001',
    '0x7f.0.0.1',
  ])('refuses the numeric spelling %s, which getaddrinfo would read as 127.0.0.1', async (host) => {
    const d = deps({ [host]: ['127.0.0.1'] });
    const error = await blocked(checkOutboundTarget(warehouse(host), d));
    expect(error.reason).toBe('non_canonical_ip');
    expect(error.message).toContain('four decimal numbers');
    expect(d.resolve).not.toHaveBeenCalled();
  });

  it.each([
    '/var/run/postgresql',
    'user@db.example.com',
    'db.example.com?sslmode=disable',
    'db example.com',
    'db.example.com/x',
    'fe80::1%eth0',
    'db.example.com:5432',
    '-oProxyCommand',
    'bücher.example',
    'db\u0000.example.com',
    '',
  ])('refuses the malformed host %j', async (host) => {
    const d = deps();
    expect((await blocked(checkOutboundTarget(warehouse(host), d))).reason).toBe('invalid_host');
    expect(d.resolve).not.toHaveBeenCalled();
  });

  it.each([0, 65536, 1.5, Number.NaN])('refuses port %s', async (port) => {
    expect((await blocked(checkOutboundTarget(warehouse(PUBLIC_V4, port), deps()))).reason).toBe(
      'invalid_port',
    );
  });

  it('writes messages an admin can act on', async () => {
    const literal = await blocked(checkOutboundTarget(warehouse('10.0.0.5'), deps()));
    expect(literal.message).toBe(
      'Host 10.0.0.5 is a private address. Add it to ALLOWED_OUTBOUND_HOSTS if Sightline should reach it.',
    );
    const named = await blocked(checkOutboundTarget(warehouse('db.corp'), deps({ 'db.corp': ['10.1.2.3'] })));
    expect(named.message).toBe(
      'Host db.corp resolves to 10.1.2.3, a private address. ' +
        'Add db.corp to ALLOWED_OUTBOUND_HOSTS if Sightline should reach it.',
    );
    const mapped = await blocked(checkOutboundTarget(warehouse('::ffff:7f00:1'), deps()));
    expect(mapped.message).toContain('Use a plain IPv4 address');
    const missing = await blocked(checkOutboundTarget(warehouse('nope.example'), deps()));
    expect(missing.reason).toBe('unresolvable');
    expect(missing.message).toBe('Host nope.example could not be resolved.');
  });

  it('refuses a name when any one of its answers is internal', async () => {
    const d = deps({
      'mixed.example.com': [PUBLIC_V4, '127.0.0.1'],
      'v6.example.com': [PUBLIC_V4, 'fe80::1'],
    });
    expect((await blocked(checkOutboundTarget(warehouse('mixed.example.com'), d))).reason).toBe('loopback');
    expect((await blocked(checkOutboundTarget(warehouse('v6.example.com'), d))).reason).toBe('link_local');
    expect(
      (await blocked(checkOutboundTarget(warehouse('localhost'), deps({ localhost: ['::1'] })))).reason,
    ).toBe('loopback');
    const metadata = deps({ 'metadata.google.internal': ['169.254.169.254'] });
    expect((await blocked(checkOutboundTarget(warehouse('metadata.google.internal'), metadata))).reason).toBe(
      'link_local',
    );
  });

  it('refuses an empty answer and answers that are not addresses', async () => {
    expect(
      (await blocked(checkOutboundTarget(warehouse('empty.example'), deps({ 'empty.example': [] })))).reason,
    ).toBe('unresolvable');
    const weird = deps({ 'weird.example': ['0177.0.0.1'] });
    expect((await blocked(checkOutboundTarget(warehouse('weird.example'), weird))).reason).toBe(
      'unresolvable',
    );
  });

  it('passes public names and addresses and returns what it checked', async () => {
    const d = deps({ 'db.example.com': [PUBLIC_V4, PUBLIC_V6] });
    await expect(checkOutboundTarget(warehouse('DB.Example.com.'), d)).resolves.toEqual({
      host: 'db.example.com',
      port: 5432,
      purpose: 'warehouse',
      addresses: toAnswers([PUBLIC_V4, PUBLIC_V6]),
    });
    for (const host of [
      PUBLIC_V4,
      PUBLIC_V6,
      '8.8.8.8',
      '172.15.255.255',
      '172.32.0.0',
      '100.128.0.0',
      '11.0.0.0',
    ]) {
      const checked = await checkOutboundTarget(warehouse(host), deps());
      expect(checked.addresses.map((a) => a.address)).toEqual([host]);
    }
  });
});

describe('DNS rebinding: checked at save and again at connect', () => {
  it('passes a name resolving public at save, refuses it once it resolves to loopback at send', async () => {
    const answers = [[PUBLIC_V4], ['127.0.0.1']];
    const resolve = vi.fn<ResolveHost>(async () => toAnswers(answers.shift() ?? []));
    const atSave = await checkOutboundTarget(warehouse('rebind.example.com'), { resolve, allowedHosts: '' });
    expect(atSave.addresses).toEqual(toAnswers([PUBLIC_V4]));
    const atSend = await blocked(
      checkOutboundTarget(warehouse('rebind.example.com'), { resolve, allowedHosts: '' }),
    );
    expect(atSend.reason).toBe('loopback');
    expect(resolve).toHaveBeenCalledTimes(2);
  });

  it('pins the connection to the checked addresses', async () => {
    const checked = await checkOutboundTarget(
      warehouse('db.example.com'),
      deps({ 'db.example.com': [PUBLIC_V4, PUBLIC_V6] }),
    );
    const lookup = createPinnedLookup(checked);
    const ask = (host: string, options: Parameters<typeof lookup>[1]) =>
      new Promise<{ error: NodeJS.ErrnoException | null; address: unknown; family?: number }>((done) =>
        lookup(host, options, (error, address, family) => done({ error, address, family })),
      );
    expect(await ask('db.example.com', {})).toMatchObject({ error: null, address: PUBLIC_V4, family: 4 });
    expect(await ask('DB.example.com.', { family: 6 })).toMatchObject({ address: PUBLIC_V6, family: 6 });
    expect((await ask('db.example.com', { all: true })).address).toEqual(toAnswers([PUBLIC_V4, PUBLIC_V6]));
    expect((await ask('other.example.com', {})).error?.code).toBe('ENOTFOUND');
  });
});

describe('ALLOWED_OUTBOUND_HOSTS', () => {
  it('lets a listed private host name through, and only that name', async () => {
    const d = deps({ 'db.corp': ['10.1.2.3'], 'other.corp': ['10.1.2.4'] }, 'db.corp');
    await expect(checkOutboundTarget(warehouse('db.corp'), d)).resolves.toMatchObject({
      addresses: toAnswers(['10.1.2.3']),
    });
    expect((await blocked(checkOutboundTarget(warehouse('other.corp'), d))).reason).toBe('private');
  });

  it('lets addresses inside a listed range through, and nothing outside it', async () => {
    const allowed = ' 10.0.0.0/8 , fd00::/8, 127.0.0.1 ';
    for (const host of ['10.0.0.5', '10.255.0.1', 'fd00::5', '127.0.0.1']) {
      await expect(checkOutboundTarget(warehouse(host), deps({}, allowed))).resolves.toBeDefined();
    }
    const named = deps({ 'db.corp': ['10.9.9.9'] }, allowed);
    await expect(checkOutboundTarget(warehouse('db.corp'), named)).resolves.toBeDefined();
    for (const host of ['192.168.1.1', '172.16.0.1', '127.0.0.2', 'fc00::1', '169.254.169.254']) {
      await expect(checkOutboundTarget(warehouse(host), deps({}, allowed))).rejects.toThrow(
        OutboundTargetError,
      );
    }
    // A name with one answer inside the range and one outside is still refused.
    const mixed = deps({ 'mixed.corp': ['10.0.0.1', '192.168.0.1'] }, allowed);
    expect((await blocked(checkOutboundTarget(warehouse('mixed.corp'), mixed))).reason).toBe('private');
  });

  it('never allows unspecified, multicast or IPv4-mapped addresses, even when listed', async () => {
    const allowed = 'weird.corp, 0.0.0.0/0, ::/0';
    const d = deps({ 'weird.corp': ['0.0.0.0'] }, allowed);
    expect((await blocked(checkOutboundTarget(warehouse('weird.corp'), d))).reason).toBe('unspecified');
    for (const host of ['0.0.0.0', '::', '224.0.0.1', '::ffff:127.0.0.1', '::ffff:7f00:1']) {
      await expect(checkOutboundTarget(warehouse(host), deps({}, allowed))).rejects.toThrow(
        OutboundTargetError,
      );
    }
  });

  it('refuses entries that are neither names nor ranges', () => {
    expect(noAllowList.hosts.size + noAllowList.ranges.length).toBe(0);
    expect(parseAllowedHosts('DB.Corp., [::1], 10.0.0.0/8').hosts).toEqual(new Set(['db.corp']));
    for (const text of ['10.0.0.0/33', 'http://db.corp', 'db corp', '0x7f.1', '10.0.0.0/8/1']) {
      expect(() => parseAllowedHosts(text), text).toThrow(/ALLOWED_OUTBOUND_HOSTS entry/);
    }
  });
});

describe('checkWebhookUrl', () => {
  const hooks = deps({
    'hooks.example.com': [PUBLIC_V4],
    localhost: ['127.0.0.1'],
    'intranet.corp': ['10.0.0.9'],
  });

  it('passes a public https or http URL and returns the checked target', async () => {
    const checked = await checkWebhookUrl('https://hooks.example.com/sightline?x=1', hooks);
    expect(checked).toMatchObject({ host: 'hooks.example.com', port: 443, purpose: 'webhook' });
    expect(checked.addresses).toEqual(toAnswers([PUBLIC_V4]));
    expect(checked.url.pathname).toBe('/sightline');
    expect((await checkWebhookUrl('http://hooks.example.com:8080/', hooks)).port).toBe(8080);
    expect((await checkWebhookUrl('http://hooks.example.com/', hooks)).port).toBe(80);
  });

  it.each<[string, BlockReason]>([
    ['file:///etc/passwd', 'scheme'],
    ['gopher://hooks.example.com:70/_POST', 'scheme'],
    ['ftp://hooks.example.com/', 'scheme'],
    ['javascript:alert(1)', 'scheme'],
    ['data:text/plain,hi', 'scheme'],
    ['ws://hooks.example.com/', 'scheme'],
    ['http://user:pass@hooks.example.com/', 'credentials'],
    ['https://user@hooks.example.com/', 'credentials'],
    ['https://:pass@hooks.example.com/', 'credentials'],
    ['http://localhost/', 'loopback'],
    ['http://127.0.0.1:8080/', 'loopback'],
    ['http://[::1]/', 'loopback'],
    ['http://0x7f.1/', 'loopback'],
    ['http://2130706433/', 'loopback'],
    ['http://0177.0.0.1/', 'loopback'],
    ['http://[::ffff:127.0.0.1]/', 'ipv4_mapped'],
    ['http://[::ffff:7f00:1]/', 'ipv4_mapped'],
    ['http://169.254.169.254/latest/meta-data/', 'link_local'],
    ['http://intranet.corp/', 'private'],
    ['http://0.0.0.0:3000/', 'unspecified'],
    ['http://hooks.example.com\\@127.0.0.1/', 'invalid_url'],
    ['http://hooks.exa\nmple.com/', 'invalid_url'],
    [' https://hooks.example.com/', 'invalid_url'],
    ['https://hooks.example.com/\u202e', 'invalid_url'],
    ['not a url', 'invalid_url'],
    ['https://', 'invalid_url'],
    [`https://hooks.example.com/${'a'.repeat(2048)}`, 'invalid_url'],
  ])('refuses %j (%s)', async (url, reason) => {
    expect((await blocked(checkWebhookUrl(url, hooks))).reason).toBe(reason);
  });

  it('does not follow redirects: the sender option returns the 3xx, not its target', async () => {
    expect(WEBHOOK_FETCH_OPTIONS.redirect).toBe('manual');
    const hits: string[] = [];
    const server = createServer((req, res) => {
      hits.push(req.url ?? '');
      if (req.url === '/hook') res.writeHead(302, { location: '/internal' }).end();
      else res.writeHead(200).end('internal data');
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    try {
      const { port } = server.address() as AddressInfo;
      const response = await fetch(`http://127.0.0.1:${port}/hook`, {
        ...WEBHOOK_FETCH_OPTIONS,
        method: 'POST',
      });
      expect(response.status).toBe(302);
      expect(hits).toEqual(['/hook']);
    } finally {
      await new Promise((done) => server.close(done));
    }
  });
});

describe('defaults', () => {
  it('reads ALLOWED_OUTBOUND_HOSTS from lib/env when no allow list is passed', async () => {
    const resolve = stubResolver({ 'db.example.com': [PUBLIC_V4] });
    await expect(checkOutboundTarget(warehouse('db.example.com'), { resolve })).resolves.toBeDefined();
    await expect(checkOutboundTarget(warehouse('10.0.0.5'), { resolve })).rejects.toThrow(
      OutboundTargetError,
    );
  });
});
