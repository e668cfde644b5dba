#!/usr/bin/env node
// `npm run seed`: migrate, then load the Qixia demo data and demo accounts (once; a second run changes nothing).
import { databaseServer, log, migrateAll, seedAll } from './lib/platform.mjs';

const db = await databaseServer();
try {
  await migrateAll(db.url);
  await seedAll(db.url);
  log('seed done');
} finally {
  await db.stop();
}
