import { Client } from 'pg';
import { JOB_SCHEMA } from './jobs';
import { readKeyFromEnv } from './keys';

/**
 * Least privilege. Migrations and seeds run as the owner (DATABASE_URL's user, or
 * `<SERVICE>_DATABASE_URL`'s): it owns every table, sequence, function and trigger. Each service serves
 * as its own LOGIN role `rh_<service>` (NOSUPERUSER, owns nothing): it may read and write its own
 * tables, only INSERT and SELECT the audit table, and cannot alter a table, disable a trigger or set
 * `session_replication_role` (superuser only). The migrate step creates or updates the role and grants.
 */
export const serviceRoleName = (service: string): string => {
  if (!/^[a-z]+$/.test(service)) throw new Error(`Unusual service name ${service}`);
  return `rh_${service}`;
};

/** `<SERVICE>_DB_PASSWORD` (inline or `<SERVICE>_DB_PASSWORD_FILE`), trimmed; undefined when unset. */
export function serviceRolePassword(env: NodeJS.ProcessEnv, service: string): string | undefined {
  return readKeyFromEnv(env, `${service.toUpperCase()}_DB_PASSWORD`)?.trim() || undefined;
}

/**
 * The URL a service serves through: the owner's URL (host, port, database, parameters) with the
 * service role and its password in place of the owner's credentials.
 */
export function serviceRoleUrl(ownerUrl: string, service: string, password: string | undefined): string {
  const url = new URL(ownerUrl);
  url.username = serviceRoleName(service);
  url.password = password ? encodeURIComponent(password) : '';
  return url.toString();
}

/**
 * The serving URL from the environment: `<SERVICE>_DB_PASSWORD(_FILE)` must be set (npm start and
 * npm test keep a generated one in .data/keys).
 */
export function serviceRoleUrlFromEnv(env: NodeJS.ProcessEnv, service: string, ownerUrl: string): string {
  const password = serviceRolePassword(env, service);
  if (!password) throw new Error(`${service.toUpperCase()}_DB_PASSWORD(_FILE) must be set (npm start creates it in .data/keys)`);
  return serviceRoleUrl(ownerUrl, service, password);
}

const ROLE_LOCK = 7712000;
const sqlIdent = (s: string) => `"${s.replace(/"/g, '""')}"`;

/**
 * Creates the service's LOGIN role on the server of `ownerUrl` when missing and (re)sets its
 * attributes and, when given, its password. Roles are cluster-wide and several processes may migrate
 * on one server at once (the jest workers, other checkouts): one at a time under an advisory lock in
 * the `postgres` database, and a duplicate from a concurrent creator counts as created.
 */
export async function ensureServiceRole(ownerUrl: string, service: string, password: string | undefined): Promise<void> {
  const role = serviceRoleName(service);
  const admin = new URL(ownerUrl);
  admin.pathname = '/postgres';
  const client = new Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1)', [ROLE_LOCK]);
    const { rowCount } = await client.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [role]);
    if (!rowCount) {
      await client.query('SAVEPOINT create_role');
      try {
        await client.query(`CREATE ROLE ${sqlIdent(role)} LOGIN`);
      } catch (e) {
        const code = (e as { code?: string }).code;
        if (code !== '42710' && code !== '23505') throw e;
        await client.query('ROLLBACK TO SAVEPOINT create_role');
      }
    }
    const attrs = 'LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS INHERIT';
    await client.query(`ALTER ROLE ${sqlIdent(role)} ${attrs}${password ? ` PASSWORD ${client.escapeLiteral(password)}` : ''}`);
    await client.query('COMMIT');
  } catch (e) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw e;
  } finally {
    await client.end();
  }
}

/** Tables a service role may only INSERT into and SELECT from. */
export const APPEND_ONLY_TABLES = ['audit_entry'];

/**
 * The grants of the service role in the database the runner is connected to, as its owner: read and
 * write on every table and sequence (and the same on those the owner creates later), INSERT and
 * SELECT only on the append-only tables, nothing on the migrations table; no CREATE in `public`.
 */
export async function grantServiceRole(run: (sql: string) => Promise<unknown>, service: string, database: string): Promise<void> {
  const role = sqlIdent(serviceRoleName(service));
  const statements = [
    `GRANT CONNECT, TEMPORARY ON DATABASE ${sqlIdent(database)} TO ${role}`,
    `REVOKE CREATE ON SCHEMA public FROM PUBLIC`,
    `GRANT USAGE ON SCHEMA public TO ${role}`,
    `GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ${role}`,
    `GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO ${role}`,
    `ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO ${role}`,
    `ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO ${role}`,
    `REVOKE ALL ON TABLE migrations FROM ${role}`,
    // (a service without an audit trail, the notification service, has no such table)
    ...APPEND_ONLY_TABLES.map((t) => `DO $$ BEGIN IF to_regclass('public.${t}') IS NOT NULL THEN
        REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON TABLE ${t} FROM ${role}; END IF; END $$`),
    // the job engine (pg-boss, schema installed by the owner just before): rows only; a new queue's
    // partition is made by create_queue, which runs as the owner (shared/src/jobs.ts)
    `GRANT USAGE ON SCHEMA ${JOB_SCHEMA} TO ${role}`,
    `GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA ${JOB_SCHEMA} TO ${role}`,
    `GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA ${JOB_SCHEMA} TO ${role}`,
    `GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA ${JOB_SCHEMA} TO ${role}`,
    `ALTER DEFAULT PRIVILEGES IN SCHEMA ${JOB_SCHEMA} GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO ${role}`,
  ];
  for (const sql of statements) await run(sql);
}
