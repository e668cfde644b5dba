import type { EntityManager } from 'typeorm';
import {
  type ActionRule, type AuditInput, type AuthUser, conflict, guardTransition, mayAct, type NewEvent, type Param, type Role, rowsOf, type TransitionTable, writeAudit,
  writeChange,
} from '@redheart/shared';

/**
 * The workflow engine of the household service: a transition table (one row per action: from which statuses, to which,
 * by which roles, whether a reason is needed), the checks every state change makes in the same order (role → 403,
 * state → 409 WRONG_STATE, version → 409 STALE_VERSION, reason → 400), the optimistic write (the version and the
 * status in the WHERE, so a concurrent change loses with 409), the timeline event and the hash-chained audit entry in
 * the caller's transaction, and the traffic light of a time limit. Hukou cases (move_case, case_event) and service
 * applications (service_application, service_application_event) are both driven by it; only their tables, their
 * transition tables and their action-specific effects differ.
 */

/** A row of a transition table (shared/src/workflows: the one place the workflows are written). */
export type TransitionRule<S extends string> = ActionRule<S>;
export type { TransitionTable };

export interface WorkflowTables {
  /** The records' table: id, status, version, updated_at, step_started_at. */
  table: string;
  /** The timeline: (<key>, action, from_status, to_status, actor_*, at, reason, attachments, data). */
  eventTable: string;
  eventKey: string;
  /** Audit entries: entity type and the prefix of their action (`case.accept`). */
  entityType: AuditInput['entityType'];
  auditPrefix: string;
  /** How the record is named in messages (zh-CN): 案件 / 申请. */
  noun: string;
}

export interface WorkflowCtx {
  user: AuthUser;
  requestId?: string;
}

export interface TransitionRequest<A extends string> {
  action: A;
  version: number;
  reason?: string;
}

export interface EventInput {
  reason: string | null;
  attachments?: unknown[];
  data?: unknown;
}

/** Done in the same transaction right after each timeline event (e.g. the transition put on the bus). */
export type AfterEvent<S extends string> = (m: EntityManager, ctx: WorkflowCtx, id: number, action: string, from: S | null, to: S, e: EventInput) => Promise<void>;

export class Workflow<S extends string, A extends string> {
  constructor(
    readonly tables: WorkflowTables,
    readonly transitions: TransitionTable<S, A>,
    private readonly afterEvent?: AfterEvent<S>,
  ) {}

  /** The same workflow, with `fn` run after each timeline event in the same transaction. */
  withAfterEvent(fn: AfterEvent<S>): Workflow<S, A> {
    return new Workflow(this.tables, this.transitions, fn);
  }

  get actions(): A[] {
    return Object.keys(this.transitions) as A[];
  }

  /** The actions a role may take in a status (the SPA shows only these); `extra` narrows per action. */
  allowed(status: S, role: Role, extra?: (action: A) => boolean): A[] {
    return this.actions.filter((a) => mayAct({ rules: this.transitions }, status, a, role) && (extra ? extra(a) : true));
  }

  /** The checks of every state change, in this order: role 403, state 409, version 409, reason 400. */
  guard(user: AuthUser, current: { status: S; version: number }, req: TransitionRequest<A>): TransitionRule<S> {
    const { noun, entityType } = this.tables;
    return guardTransition({ rules: this.transitions }, {
      action: req.action, role: user.role, state: current.status, entity: entityType, reason: req.reason,
      version: { record: current.version, request: req.version, stale: () => this.stale() },
    }, {
      forbidden: (action) => `您的角色不能对${noun}执行 ${action}`,
      wrongState: (state, action) => `${state} 状态的${noun}不能执行 ${action}`,
      missing: (_field, action) => `reason：${action} 需要填写理由`,
      missingWord: '必填',
    });
  }

  stale() {
    return conflict(`该${this.tables.noun}已被他人修改，请刷新后重试`, 'STALE_VERSION');
  }

  /**
   * Writes the change: status (and step_started_at when it changes), version + 1 and `set` columns, only if nobody
   * changed the record since it was read (else 409 STALE_VERSION); then the timeline event and the audit entry.
   */
  async commit(m: EntityManager, ctx: WorkflowCtx, c: { id: number; status: S; version: number }, req: TransitionRequest<A>, opts: {
    set?: Record<string, unknown>;
    event?: Omit<EventInput, 'reason'>;
    auditAfter?: Record<string, unknown>;
  } = {}): Promise<S> {
    const rule = this.transitions[req.action];
    const to = rule.to ?? c.status;
    const set = opts.set ?? {};
    const cols = Object.keys(set);
    const { table } = this.tables;
    const updated = await m.query(
      `UPDATE ${table} SET status = $3, version = version + 1, updated_at = now()
              ${to !== c.status ? ', step_started_at = now()' : ''}
              ${cols.map((k, i) => `, ${k} = $${i + 5}`).join('')}
        WHERE id = $1 AND version = $2 AND status = $4 RETURNING id`,
      [c.id, req.version, to, c.status, ...cols.map((k) => set[k])],
    );
    if (!rowsOf(updated).length) throw this.stale();
    await this.event(m, ctx, c.id, req.action, c.status, to, { reason: req.reason ?? null, ...opts.event });
    await writeAudit(m, this.audit(ctx, c, req, to, opts.auditAfter));
    return to;
  }

  private audit(ctx: WorkflowCtx, c: { id: number; status: S; version: number }, req: TransitionRequest<A>, to: S, after?: Record<string, unknown>): AuditInput {
    return {
      actor: ctx.user, action: `${this.tables.auditPrefix}.${req.action}`, entityType: this.tables.entityType, entityId: c.id,
      before: { status: c.status, version: c.version }, after: { status: to, version: c.version + 1, ...(after ?? {}) },
      reason: req.reason, requestId: ctx.requestId,
    };
  }

  /**
   * `commit` in one statement (writeChange): the same guarded UPDATE, timeline event and audit entry, with the event on
   * the bus as `outbox` builds it (instead of the after-event hook), and the answer `answer` builds over `u` (the record
   * as updated) and `ev` (the event as written) instead of a read back. 409 STALE_VERSION when the record changed.
   */
  async commitReturning<R>(m: EntityManager, ctx: WorkflowCtx, c: { id: number; status: S; version: number }, req: TransitionRequest<A>, opts: {
    set?: Record<string, unknown>;
    event?: Omit<EventInput, 'reason'>;
    auditAfter?: Record<string, unknown>;
    outbox?: (to: S) => NewEvent;
    answer: (p: Param) => string;
  }): Promise<R> {
    const rule = this.transitions[req.action];
    const to = rule.to ?? c.status;
    const set = opts.set ?? {};
    const { table, eventTable, eventKey } = this.tables;
    const e: EventInput = { reason: req.reason ?? null, ...opts.event };
    const row = await writeChange<R>(m, {
      update: (p) => `UPDATE ${table} SET status = ${p(to)}, version = version + 1, updated_at = now()
              ${to !== c.status ? ', step_started_at = now()' : ''}
              ${Object.keys(set).map((k) => `, ${k} = ${p(set[k])}`).join('')}
        WHERE id = ${p(c.id)} AND version = ${p(req.version)} AND status = ${p(c.status)} RETURNING *`,
      event: {
        table: eventTable,
        columns: [eventKey, 'action', 'from_status', 'to_status', 'actor_id', 'actor_username', 'actor_role', 'reason', 'attachments', 'data'],
        values: (p) => ['u.id', p(req.action), p(c.status), p(to), p(ctx.user.sub), p(ctx.user.username), p(ctx.user.role), p(e.reason),
          `${p(JSON.stringify(e.attachments ?? []))}::jsonb`, `${p(e.data ? JSON.stringify(e.data) : null)}::jsonb`],
      },
      outbox: opts.outbox?.(to),
      audit: this.audit(ctx, c, req, to, opts.auditAfter),
      answer: opts.answer,
    });
    if (!row) throw this.stale();
    return row;
  }

  /** A timeline event (also the record's creation, action 'create'). */
  async event(m: EntityManager, ctx: WorkflowCtx, id: number, action: string, from: S | null, to: S, e: EventInput): Promise<void> {
    const { eventTable, eventKey } = this.tables;
    await m.query(
      `INSERT INTO ${eventTable} (${eventKey}, action, from_status, to_status, actor_id, actor_username, actor_role, reason, attachments, data)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
      [id, action, from, to, ctx.user.sub, ctx.user.username, ctx.user.role, e.reason, JSON.stringify(e.attachments ?? []), e.data ? JSON.stringify(e.data) : null],
    );
    if (this.afterEvent) await this.afterEvent(m, ctx, id, action, from, to, e);
  }
}

export type TrafficLight = 'green' | 'yellow' | 'red' | 'none';

/** The traffic light of a time limit: green < 80 % of it used, yellow 80–100 %, red beyond; none without a limit. */
export function limitLight(startedAt: Date, limitDays: number | null | undefined, now = new Date()): { light: TrafficLight; dueAt: Date | null } {
  if (!limitDays) return { light: 'none', dueAt: null };
  const limitMs = limitDays * 86400_000;
  const dueAt = new Date(startedAt.getTime() + limitMs);
  const used = (now.getTime() - startedAt.getTime()) / limitMs;
  return { light: used < 0.8 ? 'green' : used <= 1 ? 'yellow' : 'red', dueAt };
}

/** "Past the limit" in SQL, the same rule as limitLight: `now() > start + days` (days a SQL expression, NULL → never). */
export function overdueSql(startExpr: string, daysExpr: string): string {
  return `(now() > ${startExpr} + make_interval(secs => (${daysExpr}) * 86400.0))`;
}
