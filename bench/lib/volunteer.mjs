// The volunteer service as the write-path benches run it (bench/audit-chain, bench/events): one database of an
// embedded PostgreSQL per variant, migrated, with one service category; what the variant changes done as the owner;
// then the real app, as its own role rh_volunteer, with the test communities.
import { join } from 'node:path';
import { require, root } from './common.mjs';

const DIST = join(root, 'services/volunteer/dist/src');

/**
 * `db`: the database's name; `prepare(owner)`: the variant's changes as the database owner (a trigger disabled …);
 * `appOptions`: more options of buildApp (events …). Returns the ready app, its database URL and the category's id.
 */
export async function volunteerBenchApp({ shared, pg, db, env, keys, filesDir, prepare, appOptions = {} }) {
  const { buildApp } = require(join(DIST, 'app.js'));
  const { createVolunteerDataSource, migrateVolunteer } = require(join(DIST, 'data-source.js'));
  const url = shared.serviceDatabaseUrl({ DATABASE_URL: pg.url.replace(/\/redheart$/, `/${db}`) }, 'volunteer');
  await migrateVolunteer(url, env);
  const owner = createVolunteerDataSource(url, { poolSize: 1 });
  await owner.initialize();
  let category;
  try {
    category = (await owner.query(`INSERT INTO service_category (code, name, sort) VALUES ('C01', '环境整治', 1) RETURNING id`))[0].id;
    if (prepare) await prepare(owner);
  } finally {
    await owner.destroy();
  }
  const app = await buildApp({
    publicKey: keys.publicKey, dataSource: createVolunteerDataSource(shared.serviceRoleUrlFromEnv(env, 'volunteer', url)), ownsDataSource: true, filesDir,
    fetchCommunities: async () => shared.TEST_COMMUNITIES, logger: false,
    ...appOptions,
  });
  await app.ready();
  await app.volunteer.communities.upsert(app.db.manager, shared.TEST_COMMUNITIES);
  return { app, url, category };
}
