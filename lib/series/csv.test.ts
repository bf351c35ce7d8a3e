import { describe, expect, it } from 'vitest';
import { csvCell, csvLine, csvText, exportFilename } from './csv';

describe('csv', () => {
  it('neutralises text a spreadsheet would run as a formula', () => {
    for (const payload of ['=HYPERLINK("http://x")', '+1+1', '-2+3', '@SUM(A1)', '\tcmd', '\rcmd']) {
      expect(csvText(payload).replace(/^"/, '').startsWith("'")).toBe(true);
    }
    expect(csvText('=1+1')).toBe("'=1+1");
    expect(csvText('US')).toBe('US');
  });

  it('quotes separators, quotes and line breaks', () => {
    expect(csvText('a,b')).toBe('"a,b"');
    expect(csvText('say "hi"')).toBe('"say ""hi"""');
    expect(csvText('two\nlines')).toBe('"two\nlines"');
    expect(csvText('=a,b')).toBe('"\'=a,b"');
  });

  it('writes numbers as they are and gaps as empty fields', () => {
    expect(csvCell(-3.5)).toBe('-3.5');
    expect(csvCell(null)).toBe('');
    expect(csvCell(Number.NaN)).toBe('');
    expect(csvLine(['2025-03-01T00:00:00.000Z', 12, null])).toBe('2025-03-01T00:00:00.000Z,12,\r\n');
  });

  it('builds a download name from safe characters only', () => {
    expect(exportFilename({ metricName: 'Orders', from: '2025-03-01', to: '2025-03-07' })).toBe(
      'orders-2025-03-01-to-2025-03-07.csv',
    );
    expect(
      exportFilename({
        metricName: '../"Évil"\r\nname;',
        from: '2025-03-01',
        to: '2025-03-07',
        dimension: 'country',
      }),
    ).toBe('evil-name-by-country-2025-03-01-to-2025-03-07.csv');
    expect(exportFilename({ metricName: '日本', from: '2025-03-01', to: '2025-03-07' })).toBe(
      'metric-2025-03-01-to-2025-03-07.csv',
    );
  });
});
