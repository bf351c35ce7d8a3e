/** The rule schema and the form's mapping onto it: what the browser and the server both check. */
import { describe, expect, it } from 'vitest';
import { placeAt, toDefaults, toInput } from '@/components/alerts/rule-form-values';
import { alertRuleInputSchema, findWebhookUrlProblem, type AlertRuleDto } from '@/lib/alerts/schemas';

const rule: AlertRuleDto = {
  id: '6f1d2a4e-7c1b-4f0a-9a55-0d9b8f3c2e11',
  name: 'Refund spike',
  enabled: true,
  scope: { type: 'tags', tags: ['revenue', 'core'] },
  condition: { type: 'above', threshold: 12.5 },
  pendingBuckets: 3,
  channel: {
    type: 'webhook',
    targetHost: 'hooks.example.com',
    urlMask: 'hooks.example.com/••••••',
    signingSecretSet: true,
  },
  snoozedUntil: null,
  muteWindows: [{ startsAt: '2026-03-01T22:00:00.000Z', endsAt: '2026-03-02T06:00:00.000Z' }],
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
};

describe('webhook URLs', () => {
  it('accepts http(s) URLs and refuses other schemes, credentials and hidden characters', () => {
    expect(findWebhookUrlProblem('https://hooks.slack.com/services/T0/B0/x')).toBeNull();
    expect(findWebhookUrlProblem('http://127.0.0.1:8080/hook')).toBeNull();
    for (const url of [
      'ftp://example.com/x',
      'javascript:alert(1)',
      'https://u:p@example.com/',
      'https://example.com/a b',
      'https://example.com/a\\b',
      'https://example.com/\tx',
      'https://example.com/\u202E',
      'not a url',
    ]) {
      expect(findWebhookUrlProblem(url), url).not.toBeNull();
    }
  });
});

describe('the rule form', () => {
  it('round-trips a stored rule, keeping stored secrets when the fields stay empty', () => {
    const parsed = alertRuleInputSchema.parse(toInput(toDefaults(rule)));
    expect(parsed).toEqual({
      name: 'Refund spike',
      enabled: true,
      scope: { type: 'tags', tags: ['revenue', 'core'] },
      condition: { type: 'above', threshold: 12.5 },
      pendingBuckets: 3,
      channel: { type: 'webhook' },
      muteWindows: rule.muteWindows,
    });
  });

  it('reads mute windows as UTC and places schema errors beside the flat fields', () => {
    expect(toDefaults(rule).muteWindows).toEqual([
      { startsAt: '2026-03-01T22:00', endsAt: '2026-03-02T06:00' },
    ]);
    expect(placeAt('condition.threshold')).toBe('threshold');
    expect(placeAt('scope.metricIds.2')).toBe('metricIds');
    expect(placeAt('channel.url')).toBe('url');
    expect(placeAt('muteWindows.0.endsAt')).toBe('muteWindows.0.endsAt');
    expect(placeAt('enabled')).toBeNull();
  });

  it('turns an empty threshold into a field error, not a zero', () => {
    const fields = { ...toDefaults(rule), threshold: '' };
    const result = alertRuleInputSchema.safeParse(toInput(fields));
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.path.join('.'))).toContain('condition.threshold');
  });
});
