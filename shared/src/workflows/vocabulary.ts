/**
 * The platform's closed vocabularies beside the workflows' states and actions, each written once: the services' DTOs,
 * domain rules and migrations' CHECKs spell these, and the SPA's selects and labels read the same tables (through the
 * `@redheart/workflows` alias). Browser-safe: no imports at all.
 */

/* ─── organisations (org service) ─── */

/** Organisation types, from the city (市委) and the county down to a member household, plus the work units that dual-report. */
export const ORG_TYPES = [
  'city_committee',
  'county_committee',
  'street_committee',
  'community_committee',
  'compound_branch',
  'property_company_branch',
  'business_district_branch',
  'building_group',
  'member_household',
  'work_unit',
] as const;
export type OrgType = (typeof ORG_TYPES)[number];

export const POSITION_KINDS = ['secretary', 'deputy_secretary', 'committee_member', 'part_time_member'] as const;
export type PositionKind = (typeof POSITION_KINDS)[number];

/** An account as the account list filters it (locked: after repeated failed logins, until a reset or the time runs out). */
export const ACCOUNT_STATUSES = ['active', 'disabled', 'locked'] as const;
export type AccountStatus = (typeof ACCOUNT_STATUSES)[number];

/** A compound's party branch: founded, planned, or none yet. */
export const BRANCH_STATUSES = ['founded', 'planned', 'none'] as const;
export type BranchStatus = (typeof BRANCH_STATUSES)[number];

/* ─── household registration (household service) ─── */

/** Case types: 购房落户, 投靠, 集体户, other move-ins, and 迁出 (moving out of the system). */
export const CASE_TYPES = ['purchased_flat', 'joining_relatives', 'collective', 'other', 'move_out'] as const;
export type CaseType = (typeof CASE_TYPES)[number];

/**
 * Where a person works, as the programme counts it (机关事业单位职工带头: staff of public institutions moved their
 * registration first): public institution (机关事业单位), enterprise (企业), other (其他). Optional on a case's person.
 */
export const EMPLOYERS = ['public_institution', 'enterprise', 'other'] as const;
export type Employer = (typeof EMPLOYERS)[number];

export const RELATIONS = ['head', 'spouse', 'child', 'parent', 'grandchild', 'grandparent', 'sibling', 'other'] as const;
export type Relation = (typeof RELATIONS)[number];

export const HOUSEHOLD_KINDS = ['family', 'collective'] as const;
export type HouseholdKind = (typeof HOUSEHOLD_KINDS)[number];

export const SEXES = ['M', 'F'] as const;
export type Sex = (typeof SEXES)[number];

export const CHECKLIST_ITEMS = [
  'id_card',
  'hukou_booklet',
  'property_certificate',
  'purchase_contract',
  'application_form',
  'relationship_proof',
  'host_hukou_booklet',
  'host_consent',
  'employment_or_residence_proof',
  'supporting_documents',
  'move_in_permit',
] as const;
export type ChecklistItem = (typeof CHECKLIST_ITEMS)[number];

/** Materials a clerk must see for each case type (一次性告知 lists the missing ones at once; the wizard shows these boxes). */
export const CHECKLISTS: Record<CaseType, readonly ChecklistItem[]> = {
  purchased_flat: ['id_card', 'hukou_booklet', 'property_certificate', 'purchase_contract', 'application_form'],
  joining_relatives: ['id_card', 'hukou_booklet', 'relationship_proof', 'host_hukou_booklet', 'host_consent', 'application_form'],
  collective: ['id_card', 'hukou_booklet', 'employment_or_residence_proof', 'application_form'],
  other: ['id_card', 'hukou_booklet', 'supporting_documents', 'application_form'],
  move_out: ['id_card', 'hukou_booklet', 'move_in_permit', 'application_form'],
};

/** A step's time limit as a light: green in time, yellow near the end, red past it, none without a limit. */
export const TRAFFIC_LIGHTS = ['green', 'yellow', 'red', 'none'] as const;
export type TrafficLight = (typeof TRAFFIC_LIGHTS)[number];

/** 人户分离: the owner lives elsewhere, or someone registered here lives elsewhere. */
export const TASK_KINDS = ['owner_elsewhere', 'resident_elsewhere'] as const;
export type TaskKind = (typeof TASK_KINDS)[number];

/** Why a case's person may be a duplicate: in another open case for the same property certificate, or already registered in the target household. */
export const DUPLICATE_KINDS = ['open_case_same_property', 'already_in_target'] as const;
export type DuplicateKind = (typeof DUPLICATE_KINDS)[number];

/* ─── dual report and volunteer service (volunteer service) ─── */

/** unit: a whole item claimed by one unit; individual: places that reported members sign up for. */
export const ITEM_KINDS = ['unit', 'individual'] as const;
export type ItemKind = (typeof ITEM_KINDS)[number];

/** What proves an item's work: a photo or a note (its evidence list). */
export const EVIDENCE_KINDS = ['photo', 'note'] as const;
export type EvidenceKind = (typeof EVIDENCE_KINDS)[number];

export const REPORTER_SOURCES = ['resident', 'grid_worker', 'building_group', 'community'] as const;
export type ReporterSource = (typeof REPORTER_SOURCES)[number];

/* A unit's or a member's report (双报到) to a community: REPORT_STATUSES is in ./dual-report, with its workflow. */

/** A practical project (惠民实事) or a matched project (项目清单). */
export const PROJECT_STATUSES = ['planned', 'ongoing', 'done'] as const;
export type ProjectStatus = (typeof PROJECT_STATUSES)[number];

/** A meeting of the 大党委 / 大工委 (org service): convened, then held or cancelled. */
export const MEETING_STATUSES = ['convened', 'held', 'cancelled'] as const;
export type MeetingStatus = (typeof MEETING_STATUSES)[number];

/** Who came to a meeting: invited until the minutes record present, absent or excused. */
export const ATTENDANCES = ['invited', 'present', 'absent', 'excused'] as const;
export type Attendance = (typeof ATTENDANCES)[number];

/** What became of a login attempt (登录日志, org service). */
export const LOGIN_RESULTS = ['success', 'bad_password', 'locked', 'disabled', 'throttled'] as const;
export type LoginResult = (typeof LOGIN_RESULTS)[number];

/** What the import of the national division codes (区划导入, org service) did to a unit, as its samples list it. */
export const DIVISION_CHANGE_ACTIONS = ['create', 'rename', 'adopt', 'archive', 'place'] as const;
export type DivisionChangeAction = (typeof DIVISION_CHANGE_ACTIONS)[number];

/* ─── imports and exports (household service) ─── */

export const IMPORT_KINDS = ['households', 'properties'] as const;
export type ImportKind = (typeof IMPORT_KINDS)[number];

/** An import job: validated (or invalid) first, applied once confirmed. */
export const IMPORT_STATUSES = ['queued', 'validating', 'validated', 'invalid', 'applying', 'done', 'failed'] as const;
export type ImportStatus = (typeof IMPORT_STATUSES)[number];

export const EXPORT_KINDS = ['cases', 'households', 'tasks'] as const;
export type ExportKind = (typeof EXPORT_KINDS)[number];

/** An export job as stored; its answers add `expired` for a done job whose file has been removed. */
export const EXPORT_STATUSES = ['queued', 'running', 'done', 'failed'] as const;
export type ExportStatus = (typeof EXPORT_STATUSES)[number];
export type ExportJobStatus = ExportStatus | 'expired';

/* ─── notifications (notification service) ─── */

/**
 * Every kind a notification can have (the SPA's text key under notifications.kinds): one or more of the notification
 * service's rules make each (rules.ts, rules-jobs.ts), `announcement` is written by the announcement routes.
 */
export const NOTIFICATION_KINDS = [
  'case_approved', 'case_rejected', 'case_returned', 'case_awaiting_approval', 'case_revoke_requested',
  'item_escalated', 'item_assigned', 'item_released', 'item_reopened', 'item_confirmed', 'report_approved', 'report_rejected', 'signup_confirmed',
  // scheduled work and jobs (rules-jobs.ts)
  'case_due_soon', 'case_overdue', 'scorecard_monthly', 'hours_posted', 'import_finished', 'division_import_finished',
  'announcement',
] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

/** What a notification links to (the SPA's recordRoute): a case, an item, a unit's report, a unit's scorecard, a member's card, an import's report. */
export const NOTIFICATION_RECORD_TYPES = ['case', 'item', 'unit_report', 'announcement', 'scorecard', 'member_card', 'household_import', 'division_import'] as const;
export type NotificationRecordType = (typeof NOTIFICATION_RECORD_TYPES)[number];

/* ─── the operation log (every service's audit_entry, the org service's system log) ─── */

/**
 * What an audit entry is about (its entity_type, the operation log's record type), every service's together: writeAudit
 * and writeChange take only these. `cases`, `households` and `tasks` are the household service's exports (EXPORT_KINDS);
 * `seed` is a demo seed's marker.
 */
export const AUDIT_ENTITY_TYPES = [
  // org
  'account', 'org_unit', 'position', 'cadre_assignment', 'committee_meeting', 'compound', 'grid', 'desk', 'catalogue_service',
  'community_catalogue', 'unit_community_report', 'division_import',
  // household
  'move_case', 'service_application', 'outreach_task', 'household', 'person', 'property', 'community', ...EXPORT_KINDS,
  // volunteer
  'item', 'unit_report', 'member', 'member_group', 'project', 'practical_project', 'resource', 'service_category', 'whistle', 'whistle_response',
  // notification
  'announcement',
  'seed',
] as const;
export type AuditEntityType = (typeof AUDIT_ENTITY_TYPES)[number];
