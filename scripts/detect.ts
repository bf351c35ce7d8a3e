// Evaluation contract: `npm run --silent detect < in.csv > out.csv`.
// Reads `timestamp,value` (ISO-8601 or epoch seconds / milliseconds; an empty value is a gap) on stdin and
// writes `timestamp,value,anomaly_score` on stdout: same rows, same order, timestamp and value echoed as
// given, score in [0, 1]. The interval comes from the median timestamp step and the value kind from the
// values (all non-negative integers → counts); given those, every score uses only earlier buckets.
// Bad input (no or wrong header, a bad row, an unparseable timestamp) → a message naming the line on
// stderr and exit code 2; nothing is written to stdout then.
import { detectSeries } from '@/lib/anomalies/detect';
import {
  CsvInputError,
  formatScore,
  inferTimeline,
  inferValueKind,
  parseDetectCsv,
} from '@/lib/anomalies/csv';

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin)
    chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks).toString('utf8');
}

async function runDetect(input: string): Promise<string> {
  const { rows, unparsedValues } = parseDetectCsv(input);
  if (unparsedValues > 0)
    process.stderr.write(`detect: ${unparsedValues} non-numeric value(s) read as gaps\n`);
  const timeline = inferTimeline(rows.map((r) => r.t));
  const values = rows.map((r) => r.value);
  const scored = detectSeries(
    timeline.times.map((t, i) => ({ t, value: values[i] ?? null })),
    { valueKind: inferValueKind(values), interval: timeline.interval },
  );
  const lines = ['timestamp,value,anomaly_score'];
  rows.forEach((row, i) =>
    lines.push(`${row.rawTimestamp},${row.rawValue},${formatScore(scored[i]?.score ?? 0)}`),
  );
  return `${lines.join('\n')}\n`;
}

readStdin()
  .then(runDetect)
  .then((output) => {
    process.stdout.write(output);
  })
  .catch((error: unknown) => {
    if (error instanceof CsvInputError) {
      process.stderr.write(`detect: ${error.message}\n`);
      process.exitCode = 2;
      return;
    }
    process.stderr.write(`detect: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  });
