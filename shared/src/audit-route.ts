import type { FastifyInstance } from 'fastify';
import type { QueryRunner } from 'typeorm';
import { IsInt, IsISO8601, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { type AuditStream, type AuditWhoWhat, streamAuditAsEvents } from './audit';
import type { AuthUser, Role } from './auth';
import { likeEscape } from './db';
import { badRequest } from './errors';
import { pageQueryDoc, pageRequest, pageSchemaProperties, readPage } from './paging';
import { keysetPage } from './pagination';
import { maskIdNumbers } from './resident-id';
import { ROLES } from './workflows/roles';
import { AUDIT_ENTITY_TYPES } from './workflows/vocabulary';
import { assertRole } from './scope';
import { parseQuery } from './validation';

/**
 * The operation log (操作日志) of one service: its audit trail read back, filtered and keyset-paged,
 * newest first. Every service mounts it at `GET <prefix>/audit` with its own rule for the
 * organisation a record belongs to (`ownerPathSql`): an admin reads everything, a street admin only
 * the entries whose record lies in its street (entries of records with no organisation — the
 * county's catalogue, bulk imports — are the admins'). Identity numbers in `before`/`after` are
 * masked (`320113********1234`): the clear number is only for the audited reveal.
 */


export class AuditListQuery {
  @IsOptional() @IsString() @MaxLength(64) actor?: string;
  @IsOptional() @IsString() @Matches(/^[a-z_]{1,40}$/, { message: 'recordType 须为小写标识（如 account）' }) recordType?: string;
  @IsOptional() @IsString() @Matches(/^[0-9A-Za-z_-]{1,40}$/, { message: 'recordId 须为记录编号' }) recordId?: string;
  @IsOptional() @IsString() @Matches(/^[a-z_]{1,40}(\.[a-z_]{1,40})?\.?$/, { message: 'action 须为操作名（如 account.update，或前缀 account.）' }) action?: string;
  @IsOptional() @IsISO8601({ strict: true }, { message: 'from 须为 ISO 8601 时间' }) from?: string;
  @IsOptional() @IsISO8601({ strict: true }, { message: 'to 须为 ISO 8601 时间' }) to?: string;
  @IsOptional() @IsInt() @Min(1) @Max(200) limit?: number;
  @IsOptional() @IsString() @MaxLength(64) cursor?: string;
  @IsOptional() @IsInt() @Min(1) page?: number;
}

const nullableStr = { type: ['string', 'null'] } as const;
export const auditListEntrySchema = {
  type: 'object',
  required: ['id', 'occurredAt', 'action', 'entityType', 'entityId'],
  properties: {
    id: { type: 'integer' },
    occurredAt: { type: 'string', format: 'date-time' },
    actorId: nullableStr,
    actorUsername: nullableStr,
    actorRole: { type: ['string', 'null'], enum: [...ROLES, null] },
    action: { type: 'string' },
    entityType: { type: 'string', enum: AUDIT_ENTITY_TYPES },
    entityId: { type: 'string' },
    before: {},
    after: {},
    reason: nullableStr,
    requestId: nullableStr,
  },
} as const;

export const auditListQuerySchema = {
  type: 'object',
  properties: {
    actor: { type: 'string', maxLength: 64, description: 'the username of who did it (exact)' },
    recordType: { type: 'string', description: 'the record type (audit entity type), e.g. account, move_case' },
    recordId: { type: 'string', description: 'the record id (with recordType)' },
    action: { type: 'string', description: 'the action, exact (account.update) or a prefix ending with a dot (account.)' },
    from: { type: 'string', format: 'date-time', description: 'at or after' },
    to: { type: 'string', format: 'date-time', description: 'before' },
    limit: { type: 'integer', minimum: 1, maximum: 200, default: 50 },
    cursor: { type: 'string', description: 'nextCursor of the previous page' },
    page: { type: 'integer', minimum: 1, description: pageQueryDoc },
  },
} as const;

/** A list answer: keyset (`items`, `nextCursor`) or, with `?page=`, numbered (`items`, `total`, `totalExact`, `page`, `limit`). */
export const pageSchema = (item: object) => ({
  type: 'object',
  required: ['items'],
  properties: { items: { type: 'array', items: item }, nextCursor: { type: ['string', 'null'] }, ...pageSchemaProperties },
});

/** An opaque cursor over a bigint id (newest first: the next page holds smaller ids). */
export const encodeIdCursor = (id: string | number): string => Buffer.from(`id:${id}`).toString('base64url');
export function decodeIdCursor(cursor: string): string {
  const m = /^id:([1-9][0-9]{0,17})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!m) throw badRequest('cursor 无效，请从第一页重新查询', [{ field: 'cursor', errors: ['malformed'] }], 'VALIDATION_FAILED');
  return m[1];
}

/** Checks a from/to pair: from must come before to (400 naming `to`). */
export function checkTimeRange(from: string | undefined, to: string | undefined): void {
  if (from && to && Date.parse(from) >= Date.parse(to)) {
    throw badRequest('结束时间须晚于开始时间', [{ field: 'to', errors: ['must be after from'] }], 'VALIDATION_FAILED');
  }
}


export interface AuditRouteOptions {
  /** `/api/org`, `/api/household`, `/api/volunteer`. */
  prefix: string;
  /**
   * SQL over the entry `a` (audit_entry) giving the org path (`/1/4/17/`) of the organisation its
   * record belongs to, or NULL when none (such entries are the admins' only).
   */
  ownerPathSql: string;
  /** Roles other than the admins that read the log, in their scope (the city admin reads all, a county admin its county). */
  readers?: readonly Role[];
  /** Mount with its own authentication hook (false where the plugin authenticates every route already). */
  authenticate?: boolean;
  /**
   * The entries go out as `<service>.audit.recorded` events too (streamAuditAsEvents; the service named by the
   * prefix, the same owner path): on by default; extra in-transaction work (`alsoInTransaction`) may be given.
   */
  stream?: Pick<AuditStream, 'alsoInTransaction'>;
}

/** The org path expression for record types whose table has a `community_id` (services with community_ref). */
export function communityOwnedPathSql(tables: Record<string, string>): string {
  const whens = Object.entries(tables).map(([type, table]) => {
    if (!/^[a-z_]+$/.test(type) || !/^[a-z_]+$/.test(table)) throw new Error(`Unusual audit record type ${type}/${table}`);
    const community = table === 'community_ref' ? 'x.id' : 'x.community_id';
    return `WHEN '${type}' THEN (SELECT c.path FROM ${table} x JOIN community_ref c ON c.id = ${community} WHERE x.id = a.entity_id::bigint)`;
  });
  return `CASE WHEN a.entity_id ~ '^[0-9]{1,18}$' THEN CASE a.entity_type ${whens.join(' ')} END END`;
}

type Row = AuditWhoWhat & {
  id: string;
  occurredAt: Date;
  before: unknown;
  after: unknown;
  reason: string | null;
  requestId: string | null;
};

/**
 * One page of the log; `scopePaths` null = everything (the city admin); `unowned`: also the entries that
 * belong to no organisation (a county admin: the catalogue, bulk imports, the seed).
 */
/** The columns of an audit_entry `a` as the log lists them. */
const AUDIT_ENTRY_COLUMNS = `a.id, a.occurred_at AS "occurredAt", a.actor_id AS "actorId", a.actor_username AS "actorUsername", a.actor_role AS "actorRole",
            a.action, a.entity_type AS "entityType", a.entity_id AS "entityId", a.before, a.after, a.reason, a.request_id AS "requestId"`;

/** Where a log is read from: audit_entry (a service's own), or another table with the same columns (the system log). */
export interface AuditLogSource {
  table: string;
  columns: string;
  /** Further filters (each `sql(n)` over `a` with its value as $n). */
  filters?: { sql: (n: number) => string; value: unknown }[];
}

export async function listAudit(
  query: (sql: string, params: unknown[]) => Promise<Row[]>,
  ownerPathSql: string,
  q: AuditListQuery,
  scopePaths: readonly string[] | null,
  unowned = false,
  source: AuditLogSource = { table: 'audit_entry', columns: AUDIT_ENTRY_COLUMNS },
) {
  checkTimeRange(q.from, q.to);
  if (q.recordId && !q.recordType) throw badRequest('按记录编号查询时须同时给出记录类型', [{ field: 'recordType', errors: ['required with recordId'] }], 'VALIDATION_FAILED');
  const paged = pageRequest(q, 20);
  const limit = q.limit ?? 50;
  const params: unknown[] = [];
  const where: string[] = [];
  const add = (sql: (n: number) => string, v: unknown) => {
    params.push(v);
    where.push(sql(params.length));
  };
  if (q.actor) add((n) => `a.actor_username = $${n}`, q.actor.trim().toLowerCase());
  if (q.recordType) add((n) => `a.entity_type = $${n}`, q.recordType);
  if (q.recordId) add((n) => `a.entity_id = $${n}`, q.recordId);
  if (q.action?.endsWith('.')) add((n) => `a.action LIKE $${n}`, `${likeEscape(q.action)}%`);
  else if (q.action) add((n) => `a.action = $${n}`, q.action);
  if (q.from) add((n) => `a.occurred_at >= $${n}::timestamptz`, q.from);
  if (q.to) add((n) => `a.occurred_at < $${n}::timestamptz`, q.to);
  if (q.cursor) add((n) => `a.id < $${n}::bigint`, decodeIdCursor(q.cursor));
  for (const f of source.filters ?? []) add(f.sql, f.value);
  if (scopePaths) {
    add((n) => `coalesce((${ownerPathSql}) LIKE ANY($${n}::text[]), ${unowned ? 'true' : 'false'})`, scopePaths.map((p) => `${likeEscape(p)}%`));
  }
  const whereSql = where.length ? `WHERE ${where.join(' AND ')}` : '';
  const select = `SELECT ${source.columns} FROM ${source.table} a ${whereSql} ORDER BY a.id DESC`;
  const view = (r: Row) => ({ ...r, id: Number(r.id), before: maskIdNumbers(r.before), after: maskIdNumbers(r.after) });
  if (paged) {
    // Numbered pages (the console's 操作日志): the same filters, the total alongside (exact up to 1,000, else estimated).
    const { rows, ...total } = await readPage<Row>({ query: (sql, p) => query(sql, p ?? []) }, select, `SELECT 1 FROM ${source.table} a ${whereSql}`, params, paged);
    return { items: rows.map(view), ...total, page: paged.page, limit: paged.limit };
  }
  params.push(limit + 1);
  const rows = await query(`${select} LIMIT $${params.length}`, params);
  const { page, next: last } = keysetPage(rows, limit);
  return { items: page.map(view), nextCursor: last ? encodeIdCursor(last.id) : null };
}

/** Mounts `GET <prefix>/audit` (authenticated; admin and `readers`, scoped). */
export function registerAuditRoute(app: FastifyInstance, opts: AuditRouteOptions): void {
  streamAuditAsEvents(app.db, { service: opts.prefix.split('/')[2], ownerPathSql: opts.ownerPathSql, ...opts.stream });
  const readers: Role[] = ['city_admin', 'admin', ...(opts.readers ?? ['street_admin'])];
  app.get(`${opts.prefix}/audit`, {
    ...(opts.authenticate === false ? {} : { onRequest: [app.authenticate] }),
    // the role first (403), before the query is looked at
    preValidation: async (req) => assertRole(req.user as AuthUser, readers, '只有管理员可以查看操作日志'),
    schema: {
      tags: ['audit'],
      summary: 'The operation log (audit trail) of this service, newest first: admins all, a street admin the entries of its street’s records; ID numbers masked',
      querystring: auditListQuerySchema,
      response: { 200: pageSchema(auditListEntrySchema) },
    },
    handler: async (req) => {
      const user = req.user as AuthUser;
      const q = await parseQuery(AuditListQuery, req.query);
      const db = app.dbRead ?? app.db;
      // the city admin reads every county's log; a county admin their county's and the entries of no
      // organisation; a street admin their street's
      return listAudit((sql, params) => db.query(sql, params), opts.ownerPathSql, q, user.role === 'city_admin' ? null : user.scopePaths, user.role === 'admin');
    },
  });
}

/** Indexes for the log's filters, each an index walk newest first (each service's migration calls it). */
export async function indexAuditTable(q: QueryRunner): Promise<void> {
  await q.query(`CREATE INDEX IF NOT EXISTS audit_entry_actor_idx ON audit_entry (actor_username, id DESC)`);
  await q.query(`CREATE INDEX IF NOT EXISTS audit_entry_action_idx ON audit_entry (action text_pattern_ops, id DESC)`);
}

export async function unindexAuditTable(q: QueryRunner): Promise<void> {
  await q.query(`DROP INDEX IF EXISTS audit_entry_actor_idx`);
  await q.query(`DROP INDEX IF EXISTS audit_entry_action_idx`);
}

