#!/usr/bin/env node
// `npm run migrate`: create each service's database if needed and apply pending migrations.
import { databaseServer, log, migrateAll } from './lib/platform.mjs';

const db = await databaseServer();
try {
  await migrateAll(db.url);
  log('migrations done');
} finally {
  await db.stop();
}
