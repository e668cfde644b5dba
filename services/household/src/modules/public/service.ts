import { maskPersonName, notFound } from '@redheart/shared';
import { CHECKLISTS, trafficLight } from '../../domain';
import { applicationLight } from '../applications/domain';
import type { CaseLookupDto } from './dto';
import type { PublicCaseRepository } from './repository';

/** 居民查件: a case or an application by its number and the phone's last 4 digits; the applicant's name masked, no ID numbers, no clerks. */
export class PublicCaseService {
  constructor(private readonly repo: PublicCaseRepository) {}

  async lookup(dto: CaseLookupDto) {
    if (dto.caseNumber.startsWith('FW')) return this.lookupApplication(dto);
    const c = await this.repo.findCase(dto.caseNumber, dto.phoneLast4);
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
    const a = await this.repo.findApplication(dto.caseNumber, dto.phoneLast4);
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
