// The embedded warehouse's PGlite, in a worker thread of its own. PGlite ignores statement_timeout and runs on the
// thread that calls it, so a runaway query would freeze the app; here it only freezes this worker, which the
// client terminates when the time limit passes. Plain JavaScript: it is loaded at runtime, not bundled.
import { parentPort, workerData } from 'node:worker_threads';
import { PGlite } from '@electric-sql/pglite';

const pg = await PGlite.create(workerData.dataDir ?? undefined);

function toTransferable(value) {
  if (typeof value === 'bigint')
    return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
  if (value instanceof Uint8Array) return `<${value.byteLength} bytes>`;
  return value;
}

parentPort.on('message', async ({ id, op, text, params }) => {
  try {
    if (op === 'exec') {
      await pg.exec(text);
      parentPort.postMessage({ id, ok: true, rows: [], fields: [] });
      return;
    }
    const result = await pg.query(text, params ?? []);
    const rows = result.rows.map((row) =>
      Object.fromEntries(Object.entries(row).map(([key, value]) => [key, toTransferable(value)])),
    );
    const fields = result.fields.map((f) => ({ name: f.name, typeOid: f.dataTypeID }));
    parentPort.postMessage({ id, ok: true, rows, fields });
  } catch (error) {
    parentPort.postMessage({
      id,
      ok: false,
      error: { message: String(error?.message ?? error), code: error?.code, position: error?.position },
    });
  }
});

parentPort.postMessage({ ready: true });
