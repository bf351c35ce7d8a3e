import { defaultDbConfig, openDb } from '@/db/client';
import { migrateDb } from '@/db/migrate';

const handle = await openDb(defaultDbConfig());
try {
  await migrateDb(handle);
  console.log(`Migrations applied (${handle.driver}).`);
} finally {
  await handle.close();
}
