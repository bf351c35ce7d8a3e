import { migrateAndSeed } from '@/db/seed/run';

await migrateAndSeed({ progress: (m) => console.log(m) });
