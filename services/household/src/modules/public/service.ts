import type { DataSource } from 'typeorm';
import { isoSql, maskPersonName, notFound } from '@redheart/shared';
import { type CaseStatus, type CaseType, CHECKLISTS, trafficLight } from '../../domain';
import type { CaseLookupDto } from './dto';
import { type ApplicationStatus, applicationLight } from '../applications/domain';

interface LookupRow {
  caseNo: string;
  type: CaseType;
  status: CaseStatus;
  communityName: string;
  streetName: string | null;
  applicantName: string;
  greenChannel: boolean;
  checklist: Record<string, { provided: boolean }>;
  stepStartedAt: Date;
  createdAt: Date;
  settledAt: Date | null;
  persons: number;
  steps: { action: string; fromStatus: string | null; toStatus: string | null; at: string }[];
}

/**
 * A case's number is printed on the receipt (and is sequential, so guessable); the second factor is the last four
 * digits of the phone number the applicant gave. Both are compared in one statement, so a wrong phone and an
 * unknown number take the same path and give the same 404 (no oracle for which case numbers exist); a case with
 * no phone on record cannot be looked up. Nothing that identifies a person beyond the masked name leaves here.
 */
const LOOKUP_SQL = `
SELECT c.case_no AS "caseNo", c.type, c.status, cr.name AS "communityName", cr.street_name AS "streetName", c.applicant_name AS "applicantName",
       c.green_channel AS "greenChannel", c.checklist, c.step_started_at AS "stepStartedAt", c.created_at AS "createdAt", c.settled_at AS "settledAt",
       (SELECT count(*)::int FROM case_person p WHERE p.case_id = c.id) AS persons,
       coalesce((SELECT json_agg(json_build_object('action', e.action, 'fromStatus', e.from_status, 'toStatus', e.to_status, 'at', ${isoSql('e.at')}) ORDER BY e.id)
                   FROM case_event e WHERE e.case_id = c.id), '[]') AS steps
  FROM move_case c JOIN community_ref cr ON cr.id = c.community_id
 WHERE c.case_no = $1 AND c.applicant_phone IS NOT NULL AND right(regexp_replace(c.applicant_phone, '\\D', '', 'g'), 4) = $2`;

/** The same two factors for a 一网通办 application (FW…): its steps, never the clerks or the phone. */
const APPLICATION_LOOKUP_SQL = `
SELECT a.application_no AS "caseNo", a.service_name AS "serviceName", a.status, cr.name AS "communityName", cr.street_name AS "streetName",
       a.applicant_name AS "applicantName", a.checklist, a.time_limit_days AS "timeLimitDays", a.step_started_at AS "stepStartedAt",
       a.accepted_at AS "acceptedAt", a.created_at AS "createdAt", a.done_at AS "doneAt",
       coalesce((SELECT json_agg(json_build_object('action', e.action, 'fromStatus', e.from_status, 'toStatus', e.to_status, 'at', ${isoSql('e.at')}) ORDER BY e.id)
                   FROM service_application_event e WHERE e.application_id = a.id), '[]') AS steps
  FROM service_application a JOIN community_ref cr ON cr.id = a.community_id
 WHERE a.application_no = $1 AND a.applicant_phone IS NOT NULL AND right(regexp_replace(a.applicant_phone, '\\D', '', 'g'), 4) = $2`;

interface ApplicationLookupRow {
  caseNo: string;
  serviceName: string;
  status: ApplicationStatus;
  communityName: string;
  streetName: string | null;
  applicantName: string;
  checklist: { materials: string[]; provided: string[] };
  timeLimitDays: number;
  stepStartedAt: Date;
  acceptedAt: Date | null;
  createdAt: Date;
  doneAt: Date | null;
  steps: LookupRow['steps'];
}

export class PublicCaseService {
  constructor(private readonly read: DataSource) {}

  async lookup(dto: CaseLookupDto) {
    if (dto.caseNumber.startsWith('FW')) return this.lookupApplication(dto);
    const rows: LookupRow[] = await this.read.query(LOOKUP_SQL, [dto.caseNumber, dto.phoneLast4]);
    const c = rows[0];
    if (!c) throw notFound('Case', 'CASE_NOT_FOUND');
    const { light, dueAt } = trafficLight(c.status, new Date(c.stepStartedAt), c.greenChannel);
    return {
      kind: 'hukou',
      caseNo: c.caseNo,
      type: c.type,
      serviceName: null,
      status: c.status,
      communityName: c.communityName,
      streetName: c.streetName,
      applicantName: maskPersonName(c.applicantName),
      persons: c.persons,
      light,
      dueAt: dueAt?.toISOString() ?? null,
      createdAt: new Date(c.createdAt).toISOString(),
      settledAt: c.settledAt ? new Date(c.settledAt).toISOString() : null,
      missingItems: c.status === 'NEEDS_SUPPLEMENT' ? CHECKLISTS[c.type].filter((item) => !c.checklist[item]?.provided) : [],
      steps: c.steps,
    };
  }

  private async lookupApplication(dto: CaseLookupDto) {
    const rows: ApplicationLookupRow[] = await this.read.query(APPLICATION_LOOKUP_SQL, [dto.caseNumber, dto.phoneLast4]);
    const a = rows[0];
    if (!a) throw notFound('Case', 'CASE_NOT_FOUND');
    const { light, dueAt } = applicationLight(a);
    return {
      kind: 'service',
      caseNo: a.caseNo,
      type: 'service',
      serviceName: a.serviceName,
      status: a.status,
      communityName: a.communityName,
      streetName: a.streetName,
      applicantName: maskPersonName(a.applicantName),
      persons: 1,
      light,
      dueAt: dueAt?.toISOString() ?? null,
      createdAt: new Date(a.createdAt).toISOString(),
      settledAt: a.doneAt ? new Date(a.doneAt).toISOString() : null,
      missingItems: a.status === 'NEEDS_SUPPLEMENT' ? a.checklist.materials.filter((m) => !a.checklist.provided.includes(m)) : [],
      steps: a.steps,
    };
  }
}
