import type { DataSource } from 'typeorm';
import { isoSql } from '@redheart/shared';
import type { CaseStatus, CaseType } from '../../domain';
import type { ApplicationStatus } from '../applications/domain';

export interface LookupRow {
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

export interface ApplicationLookupRow {
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

/** The two look-ups without login; SQL only (the service masks and words the answer). */
export class PublicCaseRepository {
  constructor(private readonly read: DataSource) {}

  async findCase(caseNo: string, phoneLast4: string): Promise<LookupRow | undefined> {
    const rows: LookupRow[] = await this.read.query(LOOKUP_SQL, [caseNo, phoneLast4]);
    return rows[0];
  }

  async findApplication(applicationNo: string, phoneLast4: string): Promise<ApplicationLookupRow | undefined> {
    const rows: ApplicationLookupRow[] = await this.read.query(APPLICATION_LOOKUP_SQL, [applicationNo, phoneLast4]);
    return rows[0];
  }
}
