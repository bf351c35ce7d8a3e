import { spawn } from 'node:child_process';
import path from 'node:path';
import { migrateAndSeed } from '@/db/seed/run';

// The dev server and this script must not hold the same PGlite directory at once: seed, close, then start.
await migrateAndSeed({ progress: (m) => console.log(`[dev] ${m}`) });
const child = spawn(process.execPath, [path.join('node_modules', 'next', 'dist', 'bin', 'next'), 'dev'], {
  stdio: 'inherit',
});
child.on('exit', (code) => process.exit(code ?? 0));
