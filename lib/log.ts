/** Structured JSON logs, one line per event. Never pass secrets here: callers log ids, not payloads. */
import { AsyncLocalStorage } from 'node:async_hooks';
import { env } from './env';

const LEVELS = { debug: 10, info: 20, warn: 30, error: 40 } as const;
type Level = keyof typeof LEVELS;

export type Logger = Record<Level, (msg: string, fields?: Record<string, unknown>) => void> & {
  child: (fields: Record<string, unknown>) => Logger;
};

/** Fields every line written inside withLogFields carries (the request id of a route handler's work). */
const scope = new AsyncLocalStorage<Record<string, unknown>>();

/** Runs fn with fields added to every log line it writes, however deep, without passing a logger down. */
export function withLogFields<T>(fields: Record<string, unknown>, fn: () => T): T {
  return scope.run({ ...scope.getStore(), ...fields }, fn);
}

function serialize(value: unknown): unknown {
  if (value instanceof Error) return { name: value.name, message: value.message };
  return value;
}

export function createLogger(base: Record<string, unknown> = {}): Logger {
  const write =
    (level: Level) =>
    (msg: string, fields: Record<string, unknown> = {}) => {
      if (LEVELS[level] < LEVELS[env().LOG_LEVEL]) return;
      const entry: Record<string, unknown> = {
        level,
        time: new Date().toISOString(),
        msg,
        ...scope.getStore(),
        ...base,
      };
      for (const [k, v] of Object.entries(fields)) entry[k] = serialize(v);
      const line = JSON.stringify(entry);
      if (level === 'error' || level === 'warn') console.error(line);
      else console.log(line);
    };
  return {
    debug: write('debug'),
    info: write('info'),
    warn: write('warn'),
    error: write('error'),
    child: (fields) => createLogger({ ...base, ...fields }),
  };
}

export const log = createLogger();
