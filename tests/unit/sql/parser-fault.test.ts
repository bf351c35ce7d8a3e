import type * as LibPgQuery from 'libpg-query';
import { describe, expect, it, vi } from 'vitest';

// Simulates a fault inside the WASM parser (a stack overflow), which leaves libpg-query's memory corrupt.
vi.mock('libpg-query', async (importOriginal) => {
  const original = await importOriginal<typeof LibPgQuery>();
  return {
    ...original,
    parseSync: (query: string) => {
      if (query.includes('overflow_the_stack')) throw new RangeError('Maximum call stack size exceeded');
      return original.parseSync(query);
    },
  };
});

const { checkSelect, SqlParserUnavailableError } = await import('@/lib/sql/guard');

describe('SQL guard after a parser fault', () => {
  it('fails closed: the faulting call and every later call throw instead of accepting', async () => {
    expect(await checkSelect('select 1')).toMatchObject({ ok: true });
    await expect(checkSelect('select overflow_the_stack')).rejects.toBeInstanceOf(SqlParserUnavailableError);
    await expect(checkSelect('select 1')).rejects.toThrow('restart the server');
  });
});
