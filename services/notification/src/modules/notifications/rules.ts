import { type EventEnvelope, NOTIFICATION_KINDS, NOTIFICATION_RECORD_TYPES, type NotificationKind, type NotificationRecordType, type Role } from '@redheart/shared';
import { CASE_OPENERS, CASE_RECORD as CASE } from './audiences';
import { JOB_RULES } from './rules-jobs';

/**
 * Who is told what: rules as data. Each rule turns one event type into one notification (`kind`,
 * the SPA's text key under notifications.kinds) addressed to one audience. The events come from the
 * other services' outboxes (household.case.*, volunteer.item.*, volunteer.report.*); a notification
 * carries only what its recipient may see anyway (case / item number, community name).
 */
export type Audience =
  /** The account whose id (token sub) is in the payload field. */
  | { account: string }
  /** Holders of `role` in the organisation whose id is in the payload field (a unit's staff, a community's secretary). */
  | { role: Role; orgIdFrom: string }
  /** Holders of `role` whose own organisation contains the event's org path (the street above a community). */
  | { role: Role; aboveEventPath: true };

/** What a notification links to, and the kinds it can have: written once for the service and the SPA (shared/src/workflows/vocabulary.ts). */
export { NOTIFICATION_KINDS, NOTIFICATION_RECORD_TYPES as RECORD_TYPES };
export type RecordType = NotificationRecordType;

export interface NotificationRule {
  /** Stable name (unique with the event id: one notification per event and rule). */
  name: string;
  event: string;
  kind: Exclude<NotificationKind, typeof ANNOUNCEMENT_KIND>;
  to: Audience;
  /** The record the notification links to: its type and the payload field of its id. */
  record: { type: RecordType; idFrom: string };
  /** Payload fields copied into the notification (shown in its text). */
  params: string[];
  /** Not told of one's own action (the actor's account id in this payload field). */
  skipWhenActorIs?: string;
  /** The roles an account-addressed rule reaches (the preferences list the kinds a role can receive). */
  roles?: readonly Role[];
}

const ITEM = { type: 'item', idFrom: 'itemId' } as const;
const caseParams = ['caseNo', 'communityName'];
const itemParams = ['itemNo', 'communityName', 'place'];

export const RULES: readonly NotificationRule[] = [
  // the clerk who opened a case: the secretary's decision and the case coming back
  { name: 'case-approved-clerk', event: 'household.case.approved', kind: 'case_approved', to: { account: 'createdBy' }, record: CASE, params: caseParams, skipWhenActorIs: 'actorId', roles: CASE_OPENERS },
  { name: 'case-rejected-clerk', event: 'household.case.rejected', kind: 'case_rejected', to: { account: 'createdBy' }, record: CASE, params: [...caseParams, 'reason'], skipWhenActorIs: 'actorId', roles: CASE_OPENERS },
  { name: 'case-returned-clerk', event: 'household.case.returned', kind: 'case_returned', to: { account: 'createdBy' }, record: CASE, params: [...caseParams, 'reason'], skipWhenActorIs: 'actorId', roles: CASE_OPENERS },
  // the community's secretary: a case accepted by a clerk waits for approval
  { name: 'case-awaiting-secretary', event: 'household.case.accepted', kind: 'case_awaiting_approval', to: { role: 'community_secretary', orgIdFrom: 'communityId' }, record: CASE, params: caseParams },
  // the street: a revocation to confirm
  { name: 'case-revoke-street', event: 'household.case.revoke_requested', kind: 'case_revoke_requested', to: { role: 'street_admin', aboveEventPath: true }, record: CASE, params: [...caseParams, 'reason'] },
  // the street: an item escalated (吹哨) in one of its communities
  { name: 'item-escalated-street', event: 'volunteer.item.escalated', kind: 'item_escalated', to: { role: 'street_admin', aboveEventPath: true }, record: ITEM, params: itemParams },
  // the unit: an item the street assigned it, and what happens to its items afterwards
  { name: 'item-assigned-unit', event: 'volunteer.item.assigned', kind: 'item_assigned', to: { role: 'unit_staff', orgIdFrom: 'unitId' }, record: ITEM, params: itemParams },
  { name: 'item-released-unit', event: 'volunteer.item.released', kind: 'item_released', to: { role: 'unit_staff', orgIdFrom: 'unitId' }, record: ITEM, params: [...itemParams, 'reason'] },
  { name: 'item-reopened-unit', event: 'volunteer.item.reopened', kind: 'item_reopened', to: { role: 'unit_staff', orgIdFrom: 'unitId' }, record: ITEM, params: [...itemParams, 'reason'] },
  { name: 'item-confirmed-unit', event: 'volunteer.item.confirmed', kind: 'item_confirmed', to: { role: 'unit_staff', orgIdFrom: 'unitId' }, record: ITEM, params: [...itemParams, 'rating'] },
  // the unit: its dual report decided by the community
  { name: 'report-approved-unit', event: 'volunteer.report.approved', kind: 'report_approved', to: { role: 'unit_staff', orgIdFrom: 'unitId' }, record: { type: 'unit_report', idFrom: 'communityId' }, params: ['communityName'] },
  { name: 'report-rejected-unit', event: 'volunteer.report.rejected', kind: 'report_rejected', to: { role: 'unit_staff', orgIdFrom: 'unitId' }, record: { type: 'unit_report', idFrom: 'communityId' }, params: ['communityName'] },
  // a member: the sign-up taken
  { name: 'signup-member', event: 'volunteer.item.signed_up', kind: 'signup_confirmed', to: { account: 'actorId' }, record: ITEM, params: itemParams, roles: ['member'] },
  // scheduled work and jobs: time limits, monthly scorecards, hours posted, imports finished
  ...JOB_RULES,
];

/** An announcement (通知公告): written by the announcement routes, not by a rule; it cannot be muted. */
export const ANNOUNCEMENT_KIND = 'announcement' satisfies NotificationKind;


/** The kinds the rules make, each with the roles that can receive it (the mutable ones: GET /api/notify/preferences). */
export const RULE_KINDS: readonly { kind: string; roles: readonly Role[] }[] = (() => {
  const byKind = new Map<string, Set<Role>>();
  for (const r of RULES) {
    const roles = 'role' in r.to ? [r.to.role] : (r.roles ?? []);
    const set = byKind.get(r.kind) ?? new Set<Role>();
    for (const x of roles) set.add(x);
    byKind.set(r.kind, set);
  }
  return [...byKind].map(([kind, roles]) => ({ kind, roles: [...roles] }));
})();

/** Event type patterns the service reads (its consumers' subjects); a durable consumer's name is never reused for another pattern. */
export const CONSUMED = [
  { name: 'notify-household', from: 'household', types: 'household.case.>' },
  { name: 'notify-volunteer', from: 'volunteer', types: 'volunteer.>' },
  // household's imports and org's division imports: their starter is told how they ended
  { name: 'notify-household-import', from: 'household', types: 'household.import.>' },
  { name: 'notify-org-import', from: 'org', types: 'org.import.>' },
] as const;

export interface Addressed {
  rule: string;
  kind: string;
  recipientAccount: string | null;
  recipientRole: Role | null;
  recipientOrgId: number | null;
  recipientPath: string | null;
  recordType: string;
  recordId: string;
  params: Record<string, string | number | null>;
  /** An announcement: every account whose own organisation lies under this path (`recipientRoles`: only these roles). */
  recipientUnder?: string | null;
  recipientRoles?: Role[] | null;
  /** The accounts that muted this kind (an outbound transport that resolves a role's accounts leaves them out). */
  mutedBy?: string[];
}

const scalar = (v: unknown): string | number | null => (typeof v === 'string' ? v.slice(0, 200) : typeof v === 'number' && Number.isFinite(v) ? v : null);

/** The notifications an event makes under `rules` (none when a field the audience needs is missing). */
export function address(e: EventEnvelope, rules: readonly NotificationRule[] = RULES): Addressed[] {
  const p = e.payload as Record<string, unknown>;
  const out: Addressed[] = [];
  for (const r of rules) {
    if (r.event !== e.type) continue;
    const recordId = scalar(p[r.record.idFrom]);
    if (recordId === null) continue;
    const base = { rule: r.name, kind: r.kind, recordType: r.record.type, recordId: String(recordId), params: Object.fromEntries(r.params.map((k) => [k, scalar(p[k])])) };
    if ('account' in r.to) {
      const account = scalar(p[r.to.account]);
      if (account === null) continue;
      if (r.skipWhenActorIs && String(scalar(p[r.skipWhenActorIs])) === String(account)) continue;
      out.push({ ...base, recipientAccount: String(account), recipientRole: null, recipientOrgId: null, recipientPath: null });
    } else if ('orgIdFrom' in r.to) {
      const org = Number(p[r.to.orgIdFrom]);
      if (!Number.isSafeInteger(org) || org <= 0) continue;
      out.push({ ...base, recipientAccount: null, recipientRole: r.to.role, recipientOrgId: org, recipientPath: null });
    } else {
      if (!e.orgPath) continue;
      out.push({ ...base, recipientAccount: null, recipientRole: r.to.role, recipientOrgId: null, recipientPath: e.orgPath });
    }
  }
  return out;
}
