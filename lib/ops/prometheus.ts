/**
 * /api/metrics in the Prometheus text format: a fresh registry per scrape, filled from a few aggregate queries
 * (never one per metric) and this process's API request counters. Every series is documented in
 * docs/operations.md; keep the two in step.
 */
import 'server-only';
import { Counter, Gauge, Histogram, Registry, type MetricType } from 'prom-client';
import { getDb, type DbOrTx } from '@/db/client';
import { snapshotApiRequests } from './api-requests';
import {
  countActiveAnomalies,
  countDeliveries,
  countRunDurations,
  countRunsByStatus,
  listActiveMetricFreshness,
  listProjectSlugs,
  type DurationBuckets,
} from './queries';

/** Upper bounds of the run-duration buckets, in seconds: from a quick tick to a long backfill. */
export const RUN_DURATION_BOUNDS_SECONDS = [0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800] as const;
/** The run-duration histogram covers runs that finished this long before the scrape. */
export const RUN_DURATION_WINDOW_MS = 24 * 60 * 60 * 1000;

const SEVERITIES = ['low', 'medium', 'high'] as const;

/**
 * A histogram whose buckets the database counted: prom-client formats it like any histogram, nothing is observed.
 * (prom-client has no public way to set bucket counts, so its two readers answer with them.)
 */
class CountedHistogram extends Histogram<'trigger'> {
  private readonly counted: readonly DurationBuckets[];
  private readonly bounds: readonly number[];
  private readonly metricName: string;
  private readonly helpText: string;

  constructor(args: {
    name: string;
    help: string;
    bounds: readonly number[];
    counted: readonly DurationBuckets[];
    registry: Registry;
  }) {
    super({
      name: args.name,
      help: args.help,
      labelNames: ['trigger'],
      buckets: [...args.bounds],
      registers: [args.registry],
    });
    this.metricName = args.name;
    this.helpText = args.help;
    this.bounds = args.bounds;
    this.counted = args.counted;
  }

  /** What the registry formats: prom-client's histogram is read through getForPromString, not get. */
  async getForPromString() {
    return this.get();
  }

  override async get() {
    const values = this.counted.flatMap((row) => {
      const labels = { trigger: row.trigger };
      return [
        ...this.bounds.map((bound, i) => ({
          metricName: `${this.metricName}_bucket`,
          labels: { ...labels, le: bound },
          value: row.atMost[i] ?? 0,
        })),
        { metricName: `${this.metricName}_bucket`, labels: { ...labels, le: '+Inf' }, value: row.count },
        { metricName: `${this.metricName}_sum`, labels, value: row.sumSeconds },
        { metricName: `${this.metricName}_count`, labels, value: row.count },
      ];
    });
    return {
      name: this.metricName,
      help: this.helpText,
      // The declared MetricType enum does not match prom-client's runtime type names ('histogram').
      type: 'histogram' as unknown as MetricType,
      aggregator: 'sum' as const,
      collect: () => {},
      values: values as {
        metricName: string;
        labels: Partial<Record<'trigger', string | number>>;
        value: number;
      }[],
    };
  }
}

export async function renderPrometheusMetrics(
  db: DbOrTx,
  { now }: { now: Date },
): Promise<{ contentType: string; body: string }> {
  const [projects, runs, durations, freshness, active, deliveries] = await Promise.all([
    listProjectSlugs(db),
    countRunsByStatus(db),
    countRunDurations(db, {
      since: new Date(now.getTime() - RUN_DURATION_WINDOW_MS),
      boundsSeconds: RUN_DURATION_BOUNDS_SECONDS,
    }),
    listActiveMetricFreshness(db),
    countActiveAnomalies(db),
    countDeliveries(db),
  ]);
  const registry = new Registry();

  const runGauge = new Gauge({
    name: 'sightline_collection_runs',
    help: 'Collection runs kept in the database (see retention), by project, trigger and status.',
    labelNames: ['project', 'trigger', 'status'] as const,
    registers: [registry],
  });
  const valuesGauge = new Gauge({
    name: 'sightline_collection_values_written',
    help: 'Values written by the collection runs kept in the database, by project and trigger.',
    labelNames: ['project', 'trigger'] as const,
    registers: [registry],
  });
  const written = new Map<string, { project: string; trigger: string; values: number }>();
  for (const row of runs) {
    runGauge.set({ project: row.project, trigger: row.trigger, status: row.status }, row.runs);
    const key = `${row.project}\u0000${row.trigger}`;
    const entry = written.get(key) ?? { project: row.project, trigger: row.trigger, values: 0 };
    entry.values += Number(row.valuesWritten);
    written.set(key, entry);
  }
  for (const { project, trigger, values } of written.values()) valuesGauge.set({ project, trigger }, values);

  new CountedHistogram({
    name: 'sightline_collection_run_duration_seconds',
    help: 'Duration of the collection runs that finished in the last 24 hours, by trigger.',
    bounds: RUN_DURATION_BOUNDS_SECONDS,
    counted: durations,
    registry,
  });

  const staleness = new Gauge({
    name: 'sightline_metric_staleness_seconds',
    help: 'Seconds since an active metric last collected successfully (metrics that never did are counted in sightline_metrics_never_collected).',
    labelNames: ['project', 'metric', 'metric_id'] as const,
    registers: [registry],
  });
  const neverCollected = new Gauge({
    name: 'sightline_metrics_never_collected',
    help: 'Active metrics that have not collected successfully yet, by project.',
    labelNames: ['project'] as const,
    registers: [registry],
  });
  for (const project of projects) neverCollected.set({ project }, 0);
  for (const row of freshness) {
    if (row.lastSuccessAt === null) neverCollected.inc({ project: row.project });
    else {
      const age = Math.max(0, (now.getTime() - row.lastSuccessAt.getTime()) / 1000);
      staleness.set({ project: row.project, metric: row.metric, metric_id: row.metricId }, age);
    }
  }

  const anomalies = new Gauge({
    name: 'sightline_active_anomalies',
    help: 'Active (unresolved) anomalies, by project and severity.',
    labelNames: ['project', 'severity'] as const,
    registers: [registry],
  });
  for (const project of projects) for (const severity of SEVERITIES) anomalies.set({ project, severity }, 0);
  for (const row of active) anomalies.set({ project: row.project, severity: row.severity }, row.anomalies);

  const deliveryGauge = new Gauge({
    name: 'sightline_alert_deliveries',
    help: 'Alert deliveries kept in the database (see retention), by project, event and outcome.',
    labelNames: ['project', 'event', 'outcome'] as const,
    registers: [registry],
  });
  for (const row of deliveries) {
    deliveryGauge.set({ project: row.project, event: row.event, outcome: row.outcome }, row.deliveries);
  }

  const requests = new Counter({
    name: 'sightline_api_requests_total',
    help: 'REST API requests served by this process since it started, by route pattern and status.',
    labelNames: ['route', 'status'] as const,
    registers: [registry],
  });
  for (const { route, status, count } of snapshotApiRequests()) {
    requests.inc({ route, status: String(status) }, count);
  }

  return { contentType: registry.contentType, body: await registry.metrics() };
}

/** The scrape of the process-wide database, for the route. */
export async function scrapeMetrics(): Promise<{ contentType: string; body: string }> {
  const { db } = await getDb();
  return renderPrometheusMetrics(db, { now: new Date() });
}
