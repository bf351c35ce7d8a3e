/**
 * Where a rule sends: its webhook URL and signing secret, encrypted at rest under the rule's id (the keyring of
 * lib/sources/secrets.ts, with the rule id as the binding), and checked by the outbound guard on save and again
 * right before every send. Plain http is accepted only for hosts ALLOWED_OUTBOUND_HOSTS lets through.
 */
import { env } from '@/lib/env';
import { AppError } from '@/lib/errors';
import {
  checkWebhookUrl,
  isInCidr,
  OutboundTargetError,
  parseAllowedHosts,
  parseIpAddress,
  type AllowList,
  type CheckedWebhook,
  type OutboundDeps,
} from '@/lib/net/outbound-guard';
import { decryptSecret, encryptSecret, getKeyring, SecretError } from '@/lib/sources/secrets';
import { findWebhookUrlProblem } from './schemas';

const URL_FIELD = 'webhookUrl';
const SIGNING_FIELD = 'signingSecret';

function allowListOf(deps: OutboundDeps): AllowList {
  const allowed = deps.allowedHosts;
  if (allowed !== undefined && typeof allowed !== 'string') return allowed;
  return parseAllowedHosts(allowed ?? env().ALLOWED_OUTBOUND_HOSTS);
}

/**
 * The full check of a webhook URL: syntax, scheme, the outbound guard (DNS resolved, internal addresses refused
 * unless allowed), and https unless every address it resolves to is explicitly allowed. Returns the checked
 * addresses, which the sender connects to.
 */
export async function checkWebhookTarget(url: string, deps: OutboundDeps = {}): Promise<CheckedWebhook> {
  const problem = findWebhookUrlProblem(url);
  if (problem) throw new OutboundTargetError('invalid_url', problem);
  const allowList = allowListOf(deps);
  const parsed = new URL(url);
  const httpRefused = () =>
    new OutboundTargetError(
      'scheme',
      `The webhook URL must use https://; http:// is only for hosts listed in ALLOWED_OUTBOUND_HOSTS (${parsed.hostname} is not).`,
    );
  const plainHttp = parsed.protocol === 'http:';
  const host = parsed.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (plainHttp && !allowList.hosts.has(host) && allowList.ranges.length === 0) throw httpRefused();
  const checked = await checkWebhookUrl(url, { ...deps, allowedHosts: allowList });
  if (plainHttp && !allowList.hosts.has(checked.host)) {
    const allAllowed = checked.addresses.every((a) => {
      const ip = parseIpAddress(a.address);
      return ip !== null && allowList.ranges.some((r) => isInCidr(ip, r));
    });
    if (!allAllowed) throw httpRefused();
  }
  return checked;
}

/** Host and port only: the path of a Slack or generic webhook URL is itself a credential. */
export function targetHostOf(url: string): string {
  return new URL(url).host;
}

export function maskUrl(targetHost: string): string {
  return `${targetHost}/••••••`;
}

export type RuleSecrets = { url: string; signingSecret: string | null };

/** Encrypts what changed and keeps the rest as stored; the rule id must exist before anything is encrypted. */
export function encryptRuleSecrets(
  ruleId: string,
  changes: { url?: string; signingSecret?: string | null },
  stored: Readonly<Record<string, string>>,
): Record<string, string> {
  const keyring = getKeyring();
  const next: Record<string, string> = { ...stored };
  if (changes.url !== undefined) {
    next[URL_FIELD] = encryptSecret(keyring, {
      dataSourceId: ruleId,
      field: URL_FIELD,
      plaintext: changes.url,
    });
  }
  if (changes.signingSecret === null) delete next[SIGNING_FIELD];
  else if (changes.signingSecret !== undefined) {
    next[SIGNING_FIELD] = encryptSecret(keyring, {
      dataSourceId: ruleId,
      field: SIGNING_FIELD,
      plaintext: changes.signingSecret,
    });
  }
  return next;
}

export function hasSigningSecret(stored: Readonly<Record<string, string>>): boolean {
  return typeof stored[SIGNING_FIELD] === 'string';
}

export function decryptRuleSecrets(rule: {
  id: string;
  secrets: Readonly<Record<string, string>>;
}): RuleSecrets {
  const keyring = getKeyring();
  const read = (field: string) => {
    const value = rule.secrets[field];
    if (value === undefined) return null;
    try {
      return decryptSecret(keyring, { dataSourceId: rule.id, field, value });
    } catch (error) {
      if (error instanceof SecretError) {
        throw new AppError(
          'validation',
          'The stored webhook URL or signing secret cannot be decrypted (the encryption key changed or the ' +
            'value was altered). Enter them again on the rule.',
          { cause: error },
        );
      }
      throw error;
    }
  };
  const url = read(URL_FIELD);
  if (url === null) throw new AppError('validation', 'This rule has no webhook URL; enter one on the rule.');
  return { url, signingSecret: read(SIGNING_FIELD) };
}
