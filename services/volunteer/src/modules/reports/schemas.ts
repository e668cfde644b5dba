import { enumSchema, pageSchemaProperties } from '@redheart/shared';
import { MEMBER_REPORT_DECISIONS, MEMBER_REPORT_STATUSES, REPORT_DECISIONS, UNIT_REPORT_STATUSES } from '../../domain';
import { groupOrNullSchema, int, listOrPage, ni, ns, num, s } from '../../schemas';

const unitReportStatus = { type: 'string', enum: UNIT_REPORT_STATUSES } as const;
const memberReportStatus = { type: 'string', enum: MEMBER_REPORT_STATUSES } as const;
const unitReportActions = { type: 'array', items: enumSchema(REPORT_DECISIONS), description: 'the decisions you may take on the report now (UNIT_REPORT_WORKFLOW_DEF)' } as const;
const memberReportActions = { type: 'array', items: enumSchema(MEMBER_REPORT_DECISIONS), description: 'the decisions you may take on the member report now (MEMBER_REPORT_WORKFLOW_DEF)' } as const;

export const unitReportSchema = {
  type: 'object',
  properties: {
    id: int, unitId: int, unitName: s, communityId: int, communityName: s, resources: { type: 'array', items: s }, contactName: s, contactPhone: s,
    status: unitReportStatus, reportedAt: s, decidedBy: ns, version: int, allowedActions: unitReportActions,
  },
} as const;
export const unitReportListSchema = listOrPage(unitReportSchema, pageSchemaProperties);
export const unitReportCreatedSchema = { type: 'object', properties: { id: int, status: unitReportStatus } } as const;
export const unitReportDecidedSchema = {
  type: 'object', properties: { id: int, status: unitReportStatus, version: int, unitId: int, communityId: int, allowedActions: unitReportActions },
} as const;

export const memberSchema = {
  type: 'object',
  properties: {
    id: int, name: s, phone: ns, username: s, unitId: ni, communityId: int, communityName: s, status: memberReportStatus, version: int,
    hours: { ...num, description: 'posted volunteer hours' }, groupId: ni, group: groupOrNullSchema, allowedActions: memberReportActions,
  },
} as const;
export const memberListSchema = listOrPage(memberSchema, pageSchemaProperties);
export const memberReportSchema = { type: 'object', properties: { id: int, status: memberReportStatus } } as const;
export const memberDecidedSchema = { type: 'object', properties: { id: int, status: memberReportStatus, allowedActions: memberReportActions } } as const;
