/** Runs once when the server starts: a missing or weak secret stops start-up with what to set. */
export async function register() {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const { env } = await import('./lib/env');
  env();
  // The encryption key must decode to exactly 32 bytes; find out now, not at the first stored credential.
  const { getKeyring } = await import('./lib/sources/secrets');
  getKeyring();
  const { startCollectionTimer } = await import('./lib/collection/scheduled');
  startCollectionTimer();
}
