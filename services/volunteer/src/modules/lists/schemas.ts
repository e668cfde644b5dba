import { PROJECT_STATUSES } from '../../domain';
import { bool, int, ni, ns, num, s } from '../../schemas';

const projectStatus = { type: 'string', enum: PROJECT_STATUSES } as const;

export const categorySchema = {
  type: 'object',
  properties: { id: int, code: s, name: s, nameEn: ns, sort: int, active: bool, version: int },
} as const;

export const practicalProjectSchema = {
  type: 'object',
  properties: { id: int, code: s, name: s, description: ns, launchedOn: { type: 'string', description: 'YYYY-MM-DD' }, progress: int, status: projectStatus, version: int },
} as const;

export const resourceSchema = {
  type: 'object',
  properties: { id: int, unitId: int, unitName: s, communityId: ni, categoryId: ni, title: s, description: ns, capacity: int },
} as const;
/** What offering a resource answers: its id and what was sent. */
export const resourceCreatedSchema = {
  type: 'object',
  properties: { id: int, title: s, description: s, categoryId: int, communityId: int, capacity: int },
} as const;

const milestones = { type: 'array', items: { type: 'object', properties: { title: s, due: s, done: bool } } } as const;
export const projectSchema = {
  type: 'object',
  properties: {
    id: int, communityId: int, communityName: s, name: s, unitId: ni, unitName: ns, practicalProjectId: ni, resourceId: ni, budgetYuan: num,
    milestones, status: projectStatus, version: int, createdAt: s,
    meetingId: { ...ni, description: 'the joint committee meeting (大党委/大工委, org service) whose decision this project is' }, meetingDecisionId: ni, meetingTitle: ns,
  },
} as const;
/** What matching a project answers: its id and version, what was sent, and the unit it went to. */
export const projectCreatedSchema = {
  type: 'object',
  properties: { id: int, version: int, communityId: int, name: s, unitId: ni, resourceId: int, practicalProjectId: int, budgetYuan: num, milestones },
} as const;
export const versionSchema = { type: 'object', properties: { id: int, version: int } } as const;
