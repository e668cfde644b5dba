import { pageSchemaProperties } from '@redheart/shared';
import { MEMBER_REPORT_STATUSES, UNIT_REPORT_STATUSES } from '../../domain';
import { groupOrNullSchema, int, listOrPage, ni, ns, num, s } from '../../schemas';

const unitReportStatus = { type: 'string', enum: UNIT_REPORT_STATUSES } as const;
const memberReportStatus = { type: 'string', enum: MEMBER_REPORT_STATUSES } as const;

export const unitReportSchema = {
  type: 'object',
  properties: {
    id: int, unitId: int, unitName: s, communityId: int, communityName: s, resources: { type: 'array', items: s }, contactName: s, contactPhone: s,
    status: unitReportStatus, reportedAt: s, decidedBy: ns, version: int,
  },
} as const;
export const unitReportListSchema = listOrPage(unitReportSchema, pageSchemaProperties);
export const unitReportCreatedSchema = { type: 'object', properties: { id: int, status: unitReportStatus } } as const;
export const unitReportDecidedSchema = { type: 'object', properties: { id: int, status: unitReportStatus, version: int, unitId: int, communityId: int } } as const;

export const memberSchema = {
  type: 'object',
  properties: {
    id: int, name: s, phone: ns, username: s, unitId: ni, communityId: int, communityName: s, status: memberReportStatus, version: int,
    hours: { ...num, description: 'posted volunteer hours' }, groupId: ni, group: groupOrNullSchema,
  },
} as const;
export const memberListSchema = listOrPage(memberSchema, pageSchemaProperties);
export const memberReportSchema = { type: 'object', properties: { id: int, status: memberReportStatus } } as const;
