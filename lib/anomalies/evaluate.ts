// Event-wise scoring of alerts against labeled windows, as the benchmark reports it:
// - a window is detected when any alert falls in [start, start + tolerance]; the delay is counted from start;
// - an alert is false when it falls outside every [start, max(end, start + tolerance) + grace];
// - consecutive false alert buckets are one false event (one page, one webhook).
import type { LabeledWindow } from './synthetic';

export type EventTally = {
  events: number;
  detected: number;
  falseEvents: number;
  alertBuckets: number;
  delays: number[];
};

export function createTally(): EventTally {
  return { events: 0, detected: 0, falseEvents: 0, alertBuckets: 0, delays: [] };
}

export function tallyEvents(
  alerts: readonly boolean[],
  windows: readonly LabeledWindow[],
  into: EventTally,
): void {
  const n = alerts.length;
  const covered = new Uint8Array(n);
  for (const w of windows) {
    into.events++;
    const last = Math.min(n - 1, w.start + w.tolerance);
    for (let i = w.start; i <= last; i++) {
      if (!alerts[i]) continue;
      into.detected++;
      into.delays.push(i - w.start);
      break;
    }
    const coverEnd = Math.min(n - 1, Math.max(w.end, w.start + w.tolerance) + w.grace);
    for (let i = Math.max(0, w.start); i <= coverEnd; i++) covered[i] = 1;
  }
  let inFalseRun = false;
  for (let i = 0; i < n; i++) {
    if (alerts[i]) into.alertBuckets++;
    const falseAlert = alerts[i] === true && covered[i] === 0;
    if (falseAlert && !inFalseRun) into.falseEvents++;
    inFalseRun = falseAlert;
  }
}

export type Metrics = { precision: number; recall: number; f1: number; meanDelay: number | null };

export function summariseTally(t: EventTally): Metrics {
  const precision = t.detected + t.falseEvents === 0 ? 1 : t.detected / (t.detected + t.falseEvents);
  const recall = t.events === 0 ? 1 : t.detected / t.events;
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  const meanDelay = t.delays.length === 0 ? null : t.delays.reduce((a, b) => a + b, 0) / t.delays.length;
  return { precision, recall, f1, meanDelay };
}

export function mergeTally(into: EventTally, from: EventTally): void {
  into.events += from.events;
  into.detected += from.detected;
  into.falseEvents += from.falseEvents;
  into.alertBuckets += from.alertBuckets;
  into.delays.push(...from.delays);
}
