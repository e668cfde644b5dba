import { groupOrNullSchema, groupSchema, int, listOf, ni } from '../../schemas';

/** A group with its order and version (what the admins edit). */
export const groupRowSchema = { type: 'object', properties: { ...groupSchema.properties, sort: int, version: int } } as const;
/** … and how many approved members of it the caller can see. */
export const groupListSchema = listOf({ type: 'object', properties: { ...groupRowSchema.properties, members: int } } as const);
export const memberGroupSetSchema = { type: 'object', properties: { id: int, groupId: ni, group: groupOrNullSchema, version: int } } as const;
