/**
 * Read verbs of the anomalies inbox: anomalies grouped into incidents, newest first, a page at a time; and one
 * anomaly with its series, its incident and the notifications it set off. Triage verbs are in triage.ts.
 */
import { addBuckets } from '@/lib/collection/buckets';
import { requireRole, type ServiceContext } from '@/lib/context';
import { parseInput } from '@/lib/errors';
import type { SeriesView } from '@/lib/series/schemas';
import { getMetricSeries } from '@/lib/series/service';
import { anomalyChartRange } from './chart-range';
import { factTablesByMetric, groupIndices, incidentKeysOf, pageLength } from './incidents';
import {
  getInboxAnomalyInProject,
  listAnomaliesBetween,
  listFiringDeliveriesOfAnomaly,
  listInboxRows,
  listProjectDependencies,
  listResolutionsOfMetric,
  type InboxRow,
} from './queries';
import {
  anomalyIdSchema,
  INBOX_PAGE_SIZE,
  inboxQuerySchema,
  type AnomalyDelivery,
  type Incident,
  type InboxAnomaly,
  type InboxPage,
} from './schemas';

type Verb = { ctx: ServiceContext; input: unknown };

const DAY_MS = 86_400_000;
/** The longest bucket (a week, plus a DST hour): nothing further apart can touch. */
const REACH_MS = 8 * DAY_MS;
/** Rows read past a page to see where its incidents end; more than this and the last incident may be cut. */
const MARGIN_ROWS = 2_000;
/** Widenings of the window around an anomaly before its incident is taken as found. */
const MAX_INCIDENT_WIDENINGS = 12;
const SEVERITY_RANK = { low: 1, medium: 2, high: 3 } as const;

export function toInboxAnomaly(row: InboxRow, timeZone: string): InboxAnomaly {
  return {
    id: row.id,
    metricId: row.metricId,
    metricName: row.metricName,
    interval: row.interval,
    format: row.format,
    unit: row.unit,
    bucketStart: row.bucketStart.toISOString(),
    bucketEnd: addBuckets(row.bucketStart, row.interval, 1, timeZone).toISOString(),
    dimension: row.dimension,
    dimensionValue: row.dimensionValue,
    value: row.value,
    expected: row.expected,
    lower: row.lower,
    upper: row.upper,
    score: row.score,
    severity: row.severity,
    direction: row.direction,
    status: row.status,
    expectedEvent: row.expectedEvent,
    note: row.note,
    explanation: [...(row.explanation ?? [])].sort(
      (a, b) => Math.abs(b.contribution) - Math.abs(a.contribution),
    ),
    acknowledgedBy: row.acknowledgedAt ? (row.acknowledgedByName ?? 'someone no longer here') : null,
    acknowledgedAt: row.acknowledgedAt?.toISOString() ?? null,
  };
}

/** An incident from its anomalies, newest first. */
export function toIncident(members: readonly InboxAnomaly[]): Incident {
  const first = members[0];
  if (!first) throw new Error('An incident needs at least one anomaly.');
  const metrics = new Map<string, string>();
  for (const a of members) if (!metrics.has(a.metricId)) metrics.set(a.metricId, a.metricName);
  const directions = new Set(members.map((a) => a.direction));
  return {
    id: first.id,
    start: members.reduce((min, a) => (a.bucketStart < min ? a.bucketStart : min), first.bucketStart),
    end: members.reduce((max, a) => (a.bucketEnd > max ? a.bucketEnd : max), first.bucketEnd),
    metrics: [...metrics].map(([id, name]) => ({ id, name })),
    severity: members.reduce(
      (worst, a) => (SEVERITY_RANK[a.severity] > SEVERITY_RANK[worst] ? a.severity : worst),
      first.severity,
    ),
    direction: directions.size === 1 ? first.direction : 'mixed',
    status: members.some((a) => a.status === 'active') ? 'active' : 'resolved',
    acknowledged: members.filter((a) => a.acknowledgedAt !== null).length,
    expected: members.filter((a) => a.expectedEvent).length,
    anomalies: [...members],
  };
}

function membersOf(
  rows: readonly InboxRow[],
  factTables: ReadonlyMap<string, readonly string[]>,
  zone: string,
) {
  return rows.map((r) => ({
    start: r.bucketStart.getTime(),
    end: addBuckets(r.bucketStart, r.interval, 1, zone).getTime(),
    keys: incidentKeysOf(r, factTables),
  }));
}

/**
 * The inbox: anomalies matching the filters, grouped into incidents, newest first. A page holds about
 * INBOX_PAGE_SIZE anomalies and ends between incidents; `nextBefore` is the cursor of the older page.
 */
export async function listInbox({ ctx, input }: Verb): Promise<InboxPage> {
  requireRole(ctx, 'viewer');
  const query = parseInput(inboxQuerySchema, input);
  const zone = ctx.project.timeZone;
  const projectId = ctx.project.id;
  const [rows, dependencies] = await Promise.all([
    listInboxRows(ctx.db, {
      projectId,
      query,
      limit: INBOX_PAGE_SIZE,
      marginMs: REACH_MS,
      maxRows: INBOX_PAGE_SIZE + MARGIN_ROWS,
    }),
    listProjectDependencies(ctx.db, { projectId }),
  ]);
  const members = membersOf(rows, factTablesByMetric(dependencies), zone);
  const groups = groupIndices(members);
  const groupOf: number[] = [];
  groups.forEach((g, gi) => g.forEach((i) => (groupOf[i] = gi)));
  const shown = pageLength(members, groupOf, { limit: INBOX_PAGE_SIZE });
  const incidents = groups
    .filter((g) => (g[0] as number) < shown)
    .map((g) => toIncident(g.filter((i) => i < shown).map((i) => toInboxAnomaly(rows[i] as InboxRow, zone))));
  const last = rows[shown - 1];
  return {
    query,
    incidents,
    anomalyCount: shown,
    nextBefore: rows.length > INBOX_PAGE_SIZE && last ? last.bucketStart.toISOString() : null,
  };
}

/**
 * The anomalies of the incident `anchor` belongs to, newest first, whatever their status. The window around it
 * widens until no member is within reach of its edges, so a long incident is found whole.
 */
export async function loadIncidentRows(ctx: ServiceContext, anchor: InboxRow): Promise<InboxRow[]> {
  const zone = ctx.project.timeZone;
  const projectId = ctx.project.id;
  const series =
    anchor.dimension === ''
      ? undefined
      : { metricId: anchor.metricId, dimension: anchor.dimension, dimensionValue: anchor.dimensionValue };
  const factTables = factTablesByMetric(series ? [] : await listProjectDependencies(ctx.db, { projectId }));
  let start = anchor.bucketStart.getTime() - REACH_MS;
  let end = anchor.bucketStart.getTime() + REACH_MS;
  let component: InboxRow[] = [anchor];
  for (let i = 0; i < MAX_INCIDENT_WIDENINGS; i++) {
    const rows = await listAnomaliesBetween(ctx.db, {
      projectId,
      start: new Date(start),
      end: new Date(end),
      series,
    });
    const members = membersOf(rows, factTables, zone);
    const group = groupIndices(members).find((g) => g.some((j) => rows[j]?.id === anchor.id));
    if (!group) return component;
    component = group.map((j) => rows[j] as InboxRow);
    const lo = Math.min(...group.map((j) => (members[j] as { start: number }).start));
    const hi = Math.max(...group.map((j) => (members[j] as { end: number }).end));
    if (lo - REACH_MS >= start && hi + REACH_MS <= end) break;
    start = Math.min(start, lo - REACH_MS);
    end = Math.max(end, hi + REACH_MS);
  }
  return component;
}

export type AnomalyDetail = {
  anomaly: InboxAnomaly;
  incident: Incident;
  series: SeriesView;
  deliveries: AnomalyDelivery[];
};

/** One anomaly with the stretch of series around it, its incident and the notifications it set off. */
export async function getAnomalyDetail({ ctx, input }: Verb): Promise<AnomalyDetail> {
  requireRole(ctx, 'viewer');
  const { anomalyId } = parseInput(anomalyIdSchema, input);
  const zone = ctx.project.timeZone;
  const row = await getInboxAnomalyInProject(ctx.db, { projectId: ctx.project.id, anomalyId });
  const range = anomalyChartRange({
    bucketStart: row.bucketStart,
    interval: row.interval,
    now: ctx.now(),
    timeZone: zone,
  });
  const [incidentRows, series, deliveries] = await Promise.all([
    loadIncidentRows(ctx, row),
    getMetricSeries({ ctx, input: { metricId: row.metricId, range: 'custom', ...range } }),
    listDeliveries(ctx, row),
  ]);
  return {
    anomaly: toInboxAnomaly(row, zone),
    incident: toIncident(incidentRows.map((r) => toInboxAnomaly(r, zone))),
    series,
    deliveries,
  };
}

/** Each notification that named the anomaly, followed by the "resolved" that ended it when there is one. */
async function listDeliveries(ctx: ServiceContext, row: InboxRow): Promise<AnomalyDelivery[]> {
  const projectId = ctx.project.id;
  const firings = await listFiringDeliveriesOfAnomaly(ctx.db, { projectId, anomalyId: row.id });
  const first = firings[0];
  if (!first) return [];
  const resolutions = await listResolutionsOfMetric(ctx.db, {
    projectId,
    ruleIds: [...new Set(firings.map((f) => f.ruleId))],
    metricId: row.metricId,
    since: first.createdAt,
  });
  const used = new Set<string>();
  const out: AnomalyDelivery[] = [];
  for (const firing of firings) {
    out.push(toDelivery(firing));
    const resolution = resolutions.find(
      (r) => r.ruleId === firing.ruleId && r.createdAt >= firing.createdAt && !used.has(r.id),
    );
    if (resolution) {
      used.add(resolution.id);
      out.push(toDelivery(resolution));
    }
  }
  return out;
}

function toDelivery(d: Awaited<ReturnType<typeof listFiringDeliveriesOfAnomaly>>[number]): AnomalyDelivery {
  return {
    id: d.id,
    ruleId: d.ruleId,
    ruleName: d.ruleName,
    event: d.event,
    status: d.status,
    attempts: d.attempts,
    createdAt: d.createdAt.toISOString(),
    deliveredAt: d.deliveredAt?.toISOString() ?? null,
  };
}
