/** Response schemas of the desk routes: answers are serialised through them and documented. */
import { int, list, nullableInt, nullableStr, str } from '../schemas';

/** A worker's role is the title the desk shows (社区党委书记, 网格员, …), typed in by whoever keeps the desk: free text, not an account role. */
const workerSchema = {
  type: 'object',
  properties: { name: str, role: { type: 'string', maxLength: 60, description: 'the title shown on the desk (free text, e.g. 网格员), not an account role' }, phone: str },
} as const;
const hotlineSchema = { type: 'object', properties: { name: str, phone: str } } as const;

export const deskSchema = {
  type: 'object',
  properties: {
    id: int, code: str, building: str, communityId: int, buildingGroupId: nullableInt, buildingGroupName: nullableStr,
    workers: list(workerSchema), hotlines: list(hotlineSchema), version: int,
  },
} as const;

export const publicDeskSchema = {
  type: 'object',
  properties: { code: str, building: str, communityName: str, streetName: str, workers: list(workerSchema), hotlines: list(hotlineSchema) },
} as const;

export const deskCodeParams = { type: 'object', required: ['code'], properties: { code: { type: 'string' } } } as const;
