/**
 * Alert rules: one zod source for the form, the server actions and the stored columns. Client-safe: no database,
 * no Node built-ins. Whether an http:// URL or a private host may be reached depends on ALLOWED_OUTBOUND_HOSTS,
 * which only the server knows, so that check lives in lib/alerts/target.ts and runs on save and on every send.
 */
import { z } from 'zod';
import { safeText, textProblem } from '@/lib/text';

export const SEVERITIES = ['low', 'medium', 'high'] as const;
export const ALERT_DIRECTIONS = ['up', 'down', 'both'] as const;
export const ALERT_CHANNELS = ['slack', 'webhook'] as const;
export const ALERT_SCOPES = ['all', 'tags', 'metrics'] as const;
export const ALERT_CONDITIONS = ['anomaly', 'above', 'below'] as const;

export type Severity = (typeof SEVERITIES)[number];
export type AlertDirection = (typeof ALERT_DIRECTIONS)[number];
export type AlertChannel = (typeof ALERT_CHANNELS)[number];

export const MAX_PENDING_BUCKETS = 48;
export const MAX_MUTE_WINDOWS = 10;
export const MAX_WEBHOOK_URL_LENGTH = 2048;
export const MIN_SIGNING_SECRET_LENGTH = 24;
export const MAX_SIGNING_SECRET_LENGTH = 256;
/** How far back "how often would this have fired" looks. */
export const PREVIEW_DAYS = 30;
/** The longest snooze: a longer silence is a disabled rule and should say so. */
export const MAX_SNOOZE_DAYS = 90;

const tagSchema = z
  .string({ error: 'Tags are text.' })
  .regex(/^[a-z0-9][a-z0-9_-]{0,39}$/, 'Tags are lower-case letters, digits, - and _ (at most 40).');

export const alertScopeSchema = z.discriminatedUnion(
  'type',
  [
    z.object({ type: z.literal('all') }).strict(),
    z
      .object({
        type: z.literal('tags'),
        tags: z.array(tagSchema).min(1, 'Pick at least one tag.').max(20, 'At most 20 tags.'),
      })
      .strict(),
    z
      .object({
        type: z.literal('metrics'),
        metricIds: z
          .array(z.uuid('Unknown metric.'))
          .min(1, 'Pick at least one metric.')
          .max(200, 'At most 200 metrics; use tags for more.'),
      })
      .strict(),
  ],
  { error: 'Pick which metrics the rule watches.' },
);
export type AlertScope = z.infer<typeof alertScopeSchema>;

const thresholdSchema = z.number({ error: 'Enter a number.' });

export const alertConditionSchema = z.discriminatedUnion(
  'type',
  [
    z
      .object({
        type: z.literal('anomaly'),
        minSeverity: z.enum(SEVERITIES, 'Pick a severity.'),
        direction: z.enum(ALERT_DIRECTIONS, 'Pick a direction.'),
      })
      .strict(),
    z.object({ type: z.literal('above'), threshold: thresholdSchema }).strict(),
    z.object({ type: z.literal('below'), threshold: thresholdSchema }).strict(),
  ],
  { error: 'Pick when the rule fires.' },
);
export type AlertCondition = z.infer<typeof alertConditionSchema>;

const emptyAsUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);

/** Syntax only: https, or http (which the server accepts only for hosts in ALLOWED_OUTBOUND_HOSTS). */
export const webhookUrlSchema = z
  .string({ error: 'Enter the webhook URL.' })
  .max(MAX_WEBHOOK_URL_LENGTH, `The webhook URL must be at most ${MAX_WEBHOOK_URL_LENGTH} characters.`)
  .superRefine((value, ctx) => {
    const problem = findWebhookUrlProblem(value);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });

export function findWebhookUrlProblem(value: string): string | null {
  const text = textProblem(value);
  if (text) return `The webhook URL ${text}.`;
  // The URL parser drops tabs and newlines and reads "\" as "/": refuse rather than guess.
  if (/[\s\\]/.test(value) || [...value].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f)) {
    return 'The webhook URL must not contain spaces, control characters or "\\".';
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'Enter a full URL, like https://hooks.example.com/…';
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    return 'The webhook URL must start with https://.';
  if (url.username !== '' || url.password !== '') {
    return 'The webhook URL must not contain a user name or password; requests are signed instead.';
  }
  return null;
}

export const signingSecretSchema = z
  .string({ error: 'Enter a signing secret.' })
  .min(
    MIN_SIGNING_SECRET_LENGTH,
    `The signing secret must be at least ${MIN_SIGNING_SECRET_LENGTH} characters.`,
  )
  .max(
    MAX_SIGNING_SECRET_LENGTH,
    `The signing secret must be at most ${MAX_SIGNING_SECRET_LENGTH} characters.`,
  )
  .regex(/^[\x21-\x7e]+$/, 'The signing secret must be printable ASCII without spaces.');

/**
 * The channel and its secrets. On an edit an empty URL or signing secret keeps the stored one, so the form never
 * needs to hold them.
 */
export const alertChannelInputSchema = z.discriminatedUnion(
  'type',
  [
    z
      .object({
        type: z.literal('slack'),
        url: z.preprocess(emptyAsUndefined, webhookUrlSchema.optional()),
      })
      .strict(),
    z
      .object({
        type: z.literal('webhook'),
        url: z.preprocess(emptyAsUndefined, webhookUrlSchema.optional()),
        signingSecret: z.preprocess(emptyAsUndefined, signingSecretSchema.optional()),
      })
      .strict(),
  ],
  { error: 'Pick a channel.' },
);
export type AlertChannelInput = z.infer<typeof alertChannelInputSchema>;

export const muteWindowSchema = z
  .object({
    startsAt: z.iso.datetime({ offset: true, error: 'Enter when the mute starts.' }),
    endsAt: z.iso.datetime({ offset: true, error: 'Enter when the mute ends.' }),
  })
  .strict()
  .refine((w) => Date.parse(w.startsAt) < Date.parse(w.endsAt), {
    path: ['endsAt'],
    message: 'The mute must end after it starts.',
  });
export type MuteWindow = z.infer<typeof muteWindowSchema>;

const ruleFields = {
  name: safeText({ label: 'Name', max: 120, min: 1 }).transform((s) => s.trim()),
  enabled: z.boolean().default(true),
  scope: alertScopeSchema,
  condition: alertConditionSchema,
  pendingBuckets: z
    .number({ error: 'Enter a number of buckets.' })
    .int('Enter a whole number of buckets.')
    .min(1, 'At least 1 bucket.')
    .max(MAX_PENDING_BUCKETS, `At most ${MAX_PENDING_BUCKETS} buckets.`)
    .default(1),
  channel: alertChannelInputSchema,
  muteWindows: z
    .array(muteWindowSchema)
    .max(MAX_MUTE_WINDOWS, `At most ${MAX_MUTE_WINDOWS} mute windows.`)
    .default([]),
};

export const alertRuleInputSchema = z.object(ruleFields).strict();
export type AlertRuleInput = z.infer<typeof alertRuleInputSchema>;

export const updateAlertRuleInputSchema = z
  .object({ id: z.uuid('Unknown alert rule.'), ...ruleFields })
  .strict();
export type UpdateAlertRuleInput = z.infer<typeof updateAlertRuleInputSchema>;

/** What the preview needs: the part of a rule that decides when it fires. */
export const alertRulePreviewInputSchema = z
  .object({
    scope: alertScopeSchema,
    condition: alertConditionSchema,
    pendingBuckets: ruleFields.pendingBuckets,
  })
  .strict();
export type AlertRulePreviewInput = z.infer<typeof alertRulePreviewInputSchema>;

export const alertRuleIdInputSchema = z.object({ id: z.uuid('Unknown alert rule.') }).strict();

export const snoozeAlertRuleInputSchema = z
  .object({
    id: z.uuid('Unknown alert rule.'),
    until: z.iso.datetime({ offset: true, error: 'Enter when the snooze ends.' }),
  })
  .strict();

export type AlertStateValue = 'pending' | 'firing' | 'resolved';
export type DeliveryEvent = 'firing' | 'resolved' | 'test';
export type DeliveryStatus = 'pending' | 'delivered' | 'failed';

/** A rule as pages and actions see it: the URL and signing secret never leave the server. */
export type AlertRuleDto = {
  id: string;
  name: string;
  enabled: boolean;
  scope: AlertScope;
  condition: AlertCondition;
  pendingBuckets: number;
  channel: {
    type: AlertChannel;
    /** Host (and port) of the webhook URL: safe to show. */
    targetHost: string;
    /** The host with the secret path masked, e.g. `hooks.slack.com/••••••`. */
    urlMask: string;
    signingSecretSet: boolean;
  };
  snoozedUntil: string | null;
  muteWindows: MuteWindow[];
  createdAt: string;
  updatedAt: string;
};

export type AlertRuleStateDto = {
  metricId: string;
  metricName: string;
  state: AlertStateValue;
  /** The bucket the state began at. */
  since: string;
};

export type AlertRuleListItem = AlertRuleDto & { states: AlertRuleStateDto[] };

export type AlertDeliveryDto = {
  id: string;
  ruleId: string;
  ruleName: string;
  event: DeliveryEvent;
  status: DeliveryStatus;
  attempts: number;
  metricNames: string[];
  lastStatusCode: number | null;
  lastError: string | null;
  createdAt: string;
  deliveredAt: string | null;
  nextAttemptAt: string | null;
};

export type AlertPreviewDto = {
  days: number;
  total: number;
  metricsInScope: number;
  /** Metrics whose history was replayed (the first 200 in scope). */
  metricsReplayed: number;
  perMetric: { metricId: string; metricName: string; firings: number }[];
};

export type SendTestResult =
  | { ok: true; statusCode: number; latencyMs: number }
  | { ok: false; statusCode: number | null; error: string; latencyMs: number };
