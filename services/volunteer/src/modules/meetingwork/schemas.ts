import { int, ns } from '../../schemas';

/** The work a decision became (201 when made now, 200 when it had been made before). */
export const meetingWorkSchema = { type: 'object', properties: { kind: { type: 'string', enum: ['item', 'project'] }, id: int, no: ns, communityId: int } } as const;
