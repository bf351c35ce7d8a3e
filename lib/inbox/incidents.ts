/**
 * Incidents: anomalies that are one event seen on several series. Whole-metric anomalies belong together when
 * their buckets overlap or touch and their metrics read a shared fact table (a bad load of `orders` moves every
 * metric on it at once), or when they are consecutive buckets of the same metric (a six-hour outage is one
 * incident, not six). A breakdown value's anomalies group only with the neighbouring buckets of the same value.
 * Pure: no database, no clock.
 */

export type Dependency = { metricId: string; factTableId: string | null; inputMetricId: string | null };

/**
 * The fact tables each metric reads: its own (both operands of a ratio) and, for a composition, those of its
 * input metrics, transitively. `sql` metrics read their data source directly and have none.
 */
export function factTablesByMetric(dependencies: readonly Dependency[]): Map<string, string[]> {
  const direct = new Map<string, Set<string>>();
  const inputs = new Map<string, string[]>();
  for (const d of dependencies) {
    if (d.factTableId) direct.set(d.metricId, (direct.get(d.metricId) ?? new Set()).add(d.factTableId));
    if (d.inputMetricId) inputs.set(d.metricId, [...(inputs.get(d.metricId) ?? []), d.inputMetricId]);
  }
  // A walk over every metric each one reaches: catalogs are small, and a visited set makes bad data (a cycle)
  // end instead of looping.
  const result = new Map<string, string[]>();
  for (const metricId of new Set([...direct.keys(), ...inputs.keys()])) {
    const tables = new Set<string>();
    const seen = new Set<string>([metricId]);
    const stack = [metricId];
    while (stack.length > 0) {
      const id = stack.pop() as string;
      for (const table of direct.get(id) ?? []) tables.add(table);
      for (const input of inputs.get(id) ?? []) {
        if (!seen.has(input)) {
          seen.add(input);
          stack.push(input);
        }
      }
    }
    result.set(metricId, [...tables].sort());
  }
  return result;
}

/** What an anomaly may share with others of its incident. */
export function incidentKeysOf(
  anomaly: { metricId: string; dimension: string; dimensionValue: string },
  factTables: ReadonlyMap<string, readonly string[]>,
): string[] {
  if (anomaly.dimension !== '') {
    return [`series:${anomaly.metricId}\u0000${anomaly.dimension}\u0000${anomaly.dimensionValue}`];
  }
  return [`metric:${anomaly.metricId}`, ...(factTables.get(anomaly.metricId) ?? []).map((f) => `fact:${f}`)];
}

/** A bucket [start, end) in epoch ms and the keys it may share. */
export type IncidentMember = { start: number; end: number; keys: readonly string[] };

/**
 * Groups members into incidents with a union-find: two members join when they share a key and their buckets
 * overlap or touch, and groups chain through common members. Per key the members are swept in time order, so
 * the cost is O(n log n) however long the incident. Groups come in the order of their first member in the input,
 * and members keep their input order within a group.
 */
export function groupIncidents<T extends IncidentMember>(members: readonly T[]): T[][] {
  return groupIndices(members).map((group) => group.map((i) => members[i] as T));
}

/** groupIncidents as indices into the input. */
export function groupIndices(members: readonly IncidentMember[]): number[][] {
  const parent = members.map((_, i) => i);
  const find = (i: number): number => {
    let root = i;
    while (parent[root] !== root) root = parent[root] as number;
    while (parent[i] !== root) {
      const next = parent[i] as number;
      parent[i] = root;
      i = next;
    }
    return root;
  };
  const union = (a: number, b: number) => {
    const ra = find(a);
    const rb = find(b);
    // The smaller index stays the root, so a group is named by its first member.
    if (ra !== rb) parent[Math.max(ra, rb)] = Math.min(ra, rb);
  };

  const byKey = new Map<string, number[]>();
  members.forEach((m, i) => {
    for (const key of new Set(m.keys)) byKey.set(key, [...(byKey.get(key) ?? []), i]);
  });
  for (const indices of byKey.values()) {
    indices.sort((a, b) => (members[a] as IncidentMember).start - (members[b] as IncidentMember).start);
    let anchor = -1;
    let reach = -Infinity;
    for (const i of indices) {
      const m = members[i] as IncidentMember;
      if (anchor >= 0 && m.start <= reach) union(anchor, i);
      else anchor = i;
      reach = Math.max(reach, m.end);
    }
  }

  const groups = new Map<number, number[]>();
  members.forEach((_, i) => {
    const root = find(i);
    groups.set(root, [...(groups.get(root) ?? []), i]);
  });
  return [...groups.values()];
}

/**
 * How many of `rows` (newest first) one page shows, so that a page ends between incidents: the largest cut at
 * most `limit` that no incident crosses and that falls between two different buckets (the next page starts
 * strictly before the last shown bucket). Without such a cut the first clean one after `limit`; without any,
 * every row. `groupOf[i]` is the incident of row i.
 */
export function pageLength(
  rows: readonly { start: number }[],
  groupOf: readonly number[],
  { limit }: { limit: number },
): number {
  if (rows.length <= limit) return rows.length;
  const lastOf = new Map<number, number>();
  groupOf.forEach((g, i) => lastOf.set(g, i));
  const clean: number[] = [];
  let reach = -1;
  for (let k = 1; k < rows.length; k++) {
    reach = Math.max(reach, lastOf.get(groupOf[k - 1] as number) ?? k - 1);
    const distinct = (rows[k - 1] as { start: number }).start > (rows[k] as { start: number }).start;
    if (reach < k && distinct) clean.push(k);
  }
  const within = clean.filter((k) => k <= limit);
  return within.at(-1) ?? clean.find((k) => k > limit) ?? rows.length;
}
