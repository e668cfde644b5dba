import type { Role } from '@redheart/shared';

/**
 * Who may get a 2xx from each operation of the merged OpenAPI document, and on which scope — the
 * rule of docs/api.md ("Scope and role") written down per operation, for the authorization walk.
 *
 * - `roles`: the roles that may succeed at all; every other role must get a 4xx (403, or 404 where
 *   the record does not exist for it). `'*'` = every demo role (a public route, or one for everyone).
 * - `scoped`: the operation names a record or a community (a path id, `?communityId=` / `?streetId=` /
 *   `?orgId=`): a 2xx is allowed only with the caller's own street's record (an admin: any).
 *   Unscoped operations (`scoped: false`) are reference data, public pages, or the caller's own.
 *
 * Writes are walked with an empty body: what they may answer with 2xx even so is listed like reads
 * (e.g. logging out, the comparison, the escalation job); anything else must be refused.
 * `filter` names the query parameter the walk fills with a community (or street, org) id.
 */
export interface Access {
  roles: readonly Role[] | '*';
  scoped: boolean;
  filter?: 'communityId' | 'streetId' | 'orgId';
  /**
   * For a write walked with an empty body: the roles that may try it (they get 400, 404 or 409); every
   * other role must get 403, before its body is looked at. `'*'`: the role is judged with the body
   * (per action, e.g. a transition) or not at all (login).
   */
  attempt?: readonly Role[] | '*';
  /** The call ends every session of the caller (its token included): the walk makes it last. */
  endsSessions?: true;
}

const ADMIN: Role[] = ['admin'];
/** The organisation departments: the city's (city_admin) and a county's (admin). */
const DEPARTMENTS: Role[] = ['city_admin', 'admin'];
const STREET: Role[] = ['admin', 'street_admin'];
/** The audit trail: the departments and street admins (each their own area). */
const AUDIT_READERS: Role[] = ['city_admin', ...STREET];
/** Community staff who decide: clerk, secretary; with street admins and admins. */
const STAFF: Role[] = ['admin', 'street_admin', 'community_secretary', 'community_clerk'];
/** The household register's readers. */
const REGISTER: Role[] = [...STAFF, 'grid_worker'];
const ACCOUNT_MANAGERS: Role[] = ['city_admin', 'admin', 'street_admin', 'community_secretary'];
const NONE: Role[] = [];
/** Who keeps the joint committees' meetings. */
const MEETINGS: Role[] = ['city_admin', 'admin', 'street_admin', 'community_secretary', 'community_clerk'];
/** Who changes the org chart and what hangs on it (each within scope). */
const ORG_WRITERS: Role[] = ['city_admin', 'admin', 'street_admin', 'community_secretary'];

const read = (roles: readonly Role[] | '*', filter?: Access['filter']): Access => ({ roles, scoped: true, ...(filter ? { filter } : {}) });
const open = (roles: readonly Role[] | '*' = '*'): Access => ({ roles, scoped: false });
/** A write walked with an empty body: nobody may get a 2xx; roles outside `attempt` get 403. */
const write = (attempt: readonly Role[] | '*'): Access => ({ roles: NONE, scoped: true, attempt });
const CASE_CREATORS: Role[] = ['admin', 'community_secretary', 'community_clerk'];
const DECIDERS: Role[] = ['admin', 'community_secretary', 'community_clerk'];
const TASK_WORKERS: Role[] = ['admin', 'community_secretary', 'community_clerk', 'grid_worker'];
/** Who reads 一网通办 service applications (each in their area). */
const SERVICE_READERS: Role[] = ['city_admin', ...STAFF];
/** Who reads whistles (街呼县应): the county and city, the street, its communities, the departments whistled to. */
const WHISTLE_READERS: Role[] = ['city_admin', 'admin', 'street_admin', 'community_secretary', 'community_clerk', 'unit_staff'];
const NEED_REPORTERS: Role[] = ['admin', 'community_secretary', 'community_clerk', 'grid_worker', 'member'];

export const ACCESS_POLICY: Record<string, Access> = {
  // the gateway's own
  'GET /api/health': open('*'),
  'GET /api/openapi.json': open('*'),

  // auth
  'POST /api/auth/login': write('*'), // an empty body: 400
  'POST /api/auth/refresh': write('*'), // no cookie: 401
  'POST /api/auth/logout': open('*'), // no cookie: 204, nothing to end
  'POST /api/auth/logout-everywhere': { ...open('*'), endsSessions: true }, // every account may end its own sessions
  'GET /api/auth/me': open('*'),
  'POST /api/auth/password': write('*'),

  // org: accounts
  'GET /api/org/accounts/grantable': open('*'), // the roles you may give: [] for most
  'GET /api/org/accounts': read(ACCOUNT_MANAGERS, 'orgId'),
  'GET /api/org/accounts/{id}': read(ACCOUNT_MANAGERS),
  'POST /api/org/accounts': write(ACCOUNT_MANAGERS),
  'PATCH /api/org/accounts/{id}': write(ACCOUNT_MANAGERS),
  'POST /api/org/accounts/{id}/reset-password': write(ACCOUNT_MANAGERS),
  'POST /api/org/accounts/{id}/end-sessions': write(ACCOUNT_MANAGERS),

  // org: 系统监控 (the login log, online sessions); the operation log is each service's …/audit
  'GET /api/org/login-log': open(STREET), // a street admin: its street's accounts
  'GET /api/org/sessions': open(STREET),
  'DELETE /api/org/sessions/{sessionId}': write(STREET), // walked with a session that never was: 404

  // org: the chart and what hangs on it (every logged-in role reads its own subtree)
  'GET /api/org/units/roots': open('*'),
  'GET /api/org/units/search': open('*'),
  'GET /api/org/units/{id}': read('*'),
  'GET /api/org/units/{id}/children': read('*'),
  'GET /api/org/units/{id}/allowed-child-types': read('*'),
  'GET /api/org/units/{id}/positions': read('*'),
  'GET /api/org/units/{id}/grids': read('*'),
  'GET /api/org/units/{id}/cadres': read('*'),
  'GET /api/org/units/{id}/desks': read('*'),
  'GET /api/org/units/{id}/catalogue': read('*'),
  'GET /api/org/units/{id}/compounds': read('*'),
  'POST /api/org/units': write(ORG_WRITERS),
  'PATCH /api/org/units/{id}': write(ORG_WRITERS),
  'POST /api/org/units/{id}/archive': write(ORG_WRITERS),
  'POST /api/org/units/{id}/move': write(ORG_WRITERS),
  'POST /api/org/units/{id}/positions': write(ORG_WRITERS),
  // 大党委 / 大工委 meetings: community staff, the street, the departments (each within scope)
  'GET /api/org/meetings': read(MEETINGS, 'orgId'),
  'POST /api/org/units/{id}/meetings': write(MEETINGS),
  'GET /api/org/meetings/{id}': read(MEETINGS),
  'PATCH /api/org/meetings/{id}': write(MEETINGS),
  'POST /api/org/meetings/{id}/decisions': write(MEETINGS),
  'POST /api/org/meetings/{id}/decisions/{decisionId}/work': write(MEETINGS),
  'PATCH /api/org/positions/{id}': write(ORG_WRITERS),
  'POST /api/org/positions/{id}/end': write(ORG_WRITERS),
  'POST /api/org/units/{id}/grids': write(ORG_WRITERS),
  'PATCH /api/org/grids/{id}': write(ORG_WRITERS),
  'POST /api/org/cadre-assignments': write(ORG_WRITERS),
  'POST /api/org/cadre-assignments/{id}/end': read(ORG_WRITERS), // every field is optional: ends it today
  'POST /api/org/units/{id}/desks': write(ORG_WRITERS),
  'PATCH /api/org/desks/{id}': write(ORG_WRITERS),
  'POST /api/org/units/{id}/compounds': write(ORG_WRITERS),
  'PATCH /api/org/compounds/{id}': write(ORG_WRITERS),
  'PUT /api/org/units/{id}/catalogue': write(ORG_WRITERS),
  'GET /api/org/catalogue': open('*'),
  'POST /api/org/catalogue': write(DEPARTMENTS),
  'PATCH /api/org/catalogue/{id}': write(DEPARTMENTS),
  'GET /api/org/public/desks/{code}': open('*'), // no login: what the QR code opens
  'GET /api/org/coverage': read('*', 'streetId'),
  'GET /api/org/coverage/counties': open(DEPARTMENTS), // the city admin every county, a county admin its own
  'GET /api/org/stats': open('*'),
  'GET /api/org/audit': open(AUDIT_READERS), // a street admin: the trail of its street's records
  'GET /api/org/system-log': open(AUDIT_READERS), // every service's trail (on events); a street admin: its street's records
  // division imports (区划导入): a dry run or a job; an empty body is a 400, an unknown import a 404
  'POST /api/org/division-imports': write(DEPARTMENTS),
  'GET /api/org/division-imports/{id}': write(DEPARTMENTS),
  'GET /api/household/audit': open(AUDIT_READERS),
  'GET /api/volunteer/audit': open(AUDIT_READERS),

  // household registration
  'POST /api/household/cases': write(CASE_CREATORS),
  'GET /api/household/cases': read(REGISTER, 'communityId'),
  'GET /api/household/cases/{id}': read(REGISTER),
  'GET /api/household/cases/{id}/receipt': read(REGISTER),
  'POST /api/household/public/case-lookup': write('*'), // no login (居民查件): an empty body is a 400 for everyone
  'POST /api/household/cases/{id}/transitions': write(REGISTER),
  'GET /api/household/cases/{id}/notices/{noticeId}': read(REGISTER),
  // 一网通办: service applications (a community's staff, the street, the county and the city read; the community's staff act)
  'GET /api/household/service-catalogue': open(SERVICE_READERS),
  'POST /api/household/service-applications': write(CASE_CREATORS),
  'GET /api/household/service-applications': read(SERVICE_READERS, 'communityId'),
  'GET /api/household/service-applications/stats': read(SERVICE_READERS, 'communityId'),
  'GET /api/household/service-applications/{id}': read(SERVICE_READERS),
  'POST /api/household/service-applications/{id}/transitions': write(SERVICE_READERS),
  'GET /api/household/persons': open(REGISTER), // by ID number or name: only persons in scope
  'POST /api/household/persons/{id}/reveal': write(REGISTER),
  'GET /api/household/reveal-log': open(STREET),
  'GET /api/household/households': read(REGISTER, 'communityId'),
  'GET /api/household/households/{id}': read(REGISTER),
  'GET /api/household/properties': read(REGISTER, 'communityId'),
  'GET /api/household/stats/summary': read(REGISTER, 'communityId'),
  'GET /api/household/stats/counties': open(DEPARTMENTS),
  'POST /api/household/separation/properties': write(STAFF),
  'POST /api/household/separation/compare': read(STAFF, 'communityId'), // runs the comparison (no body needed)
  'GET /api/household/separation/funnel': read(REGISTER, 'communityId'),
  'GET /api/household/separation/snapshots': read(REGISTER, 'communityId'),
  'GET /api/household/separation/tasks': read(REGISTER, 'communityId'),
  'GET /api/household/separation/tasks/{id}': read(REGISTER),
  'POST /api/household/separation/tasks/{id}/transitions': write(TASK_WORKERS),
  'POST /api/household/import/register': write(STAFF),
  'POST /api/household/import/properties': write(STAFF),
  'GET /api/household/export/cases.xlsx': read(REGISTER, 'communityId'),
  'GET /api/household/export/households.xlsx': read(REGISTER, 'communityId'),
  'GET /api/household/export/tasks.xlsx': read(REGISTER, 'communityId'),
  // import and export jobs: the lists are the caller's own; a job is its creator's (imports: and importers over it; exports: admins)
  'POST /api/household/imports': write(STAFF),
  'GET /api/household/imports': open('*'),
  'GET /api/household/imports/template': open('*'),
  'GET /api/household/imports/{id}': read(STAFF),
  'POST /api/household/imports/{id}/confirm': write(STAFF),
  'GET /api/household/imports/{id}/report': read(STAFF),
  'POST /api/household/exports': write(REGISTER),
  'GET /api/household/exports': open('*'),
  'GET /api/household/exports/{id}': read(REGISTER),
  'GET /api/household/exports/{id}/file': read(REGISTER),

  // dual report (双报到)
  'POST /api/volunteer/reports': write(['unit_staff']),
  'GET /api/volunteer/reports': read('*', 'communityId'),
  'POST /api/volunteer/reports/{id}/decision': write(DECIDERS),
  'POST /api/volunteer/members': write(['member']),
  'GET /api/volunteer/members': read(STAFF, 'communityId'),
  'POST /api/volunteer/members/{id}/decision': write(DECIDERS),
  // 红色引航·众彩绽放: the member groups (服务队) and their colours; the community puts its members into one
  'PUT /api/volunteer/members/{id}/group': write(DECIDERS),
  'GET /api/volunteer/member-groups': open('*'),
  'POST /api/volunteer/member-groups': write(ADMIN),
  'PATCH /api/volunteer/member-groups/{id}': write(ADMIN),
  'GET /api/volunteer/categories': open('*'),
  'POST /api/volunteer/categories': write(ADMIN),
  'PATCH /api/volunteer/categories/{id}': write(ADMIN),
  'GET /api/volunteer/practical-projects': open('*'),
  'POST /api/volunteer/practical-projects': write(ADMIN),
  'PATCH /api/volunteer/practical-projects/{id}': write(ADMIN),
  'GET /api/volunteer/resources': open('*'),
  'POST /api/volunteer/resources': write(['unit_staff']),
  'GET /api/volunteer/projects': read('*', 'communityId'),
  'POST /api/volunteer/projects': write(STAFF),
  'PATCH /api/volunteer/projects/{id}': write(STAFF),
  'POST /api/volunteer/items': write(NEED_REPORTERS),
  'GET /api/volunteer/items': read('*', 'communityId'),
  'GET /api/volunteer/items/{id}': read('*'),
  'POST /api/volunteer/items/{id}/transitions': write('*'),
  'POST /api/volunteer/items/{id}/evidence': write(['admin', 'community_secretary', 'community_clerk', 'unit_staff']),
  // needs no body: the community may draw a rating link for a delivered item of its own (else 409 / 404)
  'POST /api/volunteer/items/{id}/rating-link': read(DECIDERS),
  'GET /api/volunteer/items/{id}/evidence/{evidenceId}': read('*'),
  'GET /api/volunteer/checkin/{code}': read('*'),
  'POST /api/volunteer/checkin/{code}': write(['member']),
  'POST /api/volunteer/jobs/escalate': open(ADMIN),
  'GET /api/volunteer/scorecards/units/{id}': read([...STAFF, 'unit_staff']),
  'GET /api/volunteer/scorecards/units': open(STAFF),
  'GET /api/volunteer/scorecards/members/{id}': read([...REGISTER, 'member', 'unit_staff', 'city_admin']), // a member: their own; a unit: its members; others (the city too) in scope
  // 街呼县应: a street whistles to county departments; they answer; the county supervises the overdue ones
  'GET /api/volunteer/whistles/departments': open(WHISTLE_READERS),
  'GET /api/volunteer/whistles': open(WHISTLE_READERS),
  'POST /api/volunteer/whistles': write(['street_admin', 'community_secretary', 'community_clerk']),
  'GET /api/volunteer/whistles/{id}': read(WHISTLE_READERS),
  'POST /api/volunteer/whistles/{id}/transitions': write(['street_admin']),
  'POST /api/volunteer/whistles/{id}/responses/{unitId}/transitions': write(['city_admin', 'admin', 'street_admin', 'unit_staff']),
  'GET /api/volunteer/scorecards/departments': open(['city_admin', 'admin', 'street_admin', 'unit_staff']),
  'GET /api/volunteer/service-days': read('*', 'communityId'),
  'GET /api/volunteer/overview': read(STAFF, 'communityId'),
  'GET /api/volunteer/overview/counties': open(DEPARTMENTS),
  'GET /api/volunteer/public/communities': open('*'),
  'GET /api/volunteer/public/pledges': open('*'),
  'GET /api/volunteer/public/pledges/units/{unitId}': open('*'),
  'GET /api/volunteer/public/pledges/{id}/evidence/{evidenceId}': open('*'),
  // residents without a login: a need from a desk's QR page, following it, rating a delivered item once
  'GET /api/volunteer/public/categories': open('*'),
  'POST /api/volunteer/public/needs': write('*'),
  'GET /api/volunteer/public/needs/{trackingNo}': open('*'),
  'GET /api/volunteer/public/rate/{token}': open('*'),
  'POST /api/volunteer/public/ratings': write('*'),
};
