import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildSeasonalHourly } from './fixtures';

const ROOT = path.resolve(import.meta.dirname, '../../..');

function runCli(input: string) {
  const result = spawnSync('npx', ['tsx', 'scripts/detect.ts'], {
    cwd: ROOT,
    input,
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('npm run detect (scripts/detect.ts)', () => {
  it('echoes every row in order with a causal score in [0, 1]', () => {
    const points = buildSeasonalHourly(14);
    points[300] = { t: points[300]!.t, value: (points[300]!.value as number) * 3 };
    points[200] = { t: points[200]!.t, value: null };
    const rows = points.map((p, i) => {
      const ts = i % 3 === 0 ? new Date(p.t).toISOString() : i % 3 === 1 ? String(p.t / 1000) : String(p.t);
      return `${ts},${p.value ?? ''}`;
    });
    const { status, stdout, stderr } = runCli(`timestamp,value\r\n${rows.join('\r\n')}\r\n`);
    expect(status, stderr).toBe(0);
    const lines = stdout.trimEnd().split('\n');
    expect(lines[0]).toBe('timestamp,value,anomaly_score');
    expect(lines).toHaveLength(rows.length + 1);
    const scores = lines.slice(1).map((line, i) => {
      const cut = line.lastIndexOf(',');
      expect(line.slice(0, cut)).toBe(rows[i]);
      return Number(line.slice(cut + 1));
    });
    for (const s of scores) expect(s >= 0 && s <= 1).toBe(true);
    expect(scores[200]).toBe(0);
    expect(scores[300]).toBeGreaterThan(0.8);
    expect(Math.max(...scores.slice(0, 300))).toBeLessThan(0.6);
  }, 60_000);

  it('exits with code 2 and names the line on bad input', () => {
    const cases: Array<[string, RegExp]> = [
      ['', /line 1: empty input/],
      ['2024-01-01T00:00:00Z,1\n', /line 1: expected the header "timestamp,value".*missing header/],
      ['time,value\n2024-01-01T00:00:00Z,1\n', /line 1: expected the header/],
      ['timestamp,value\n2024-01-01T00:00:00Z,1\nyesterday,2\n', /line 3: unparseable timestamp "yesterday"/],
      ['timestamp,value\n2024-01-01T00:00:00Z,1,9\n', /line 2: expected 2 fields/],
    ];
    for (const [input, message] of cases) {
      const { status, stdout, stderr } = runCli(input);
      expect(status).toBe(2);
      expect(stdout).toBe('');
      expect(stderr).toMatch(message);
    }
  }, 120_000);
});
