/** Response schemas of the account routes: answers are serialised through them and documented. */
import { pageSchemaProperties } from '@redheart/shared';
import { bool, int, orgTypeSchema, roleSchema, str } from '../schemas';

export const accountSchema = {
  type: 'object',
  properties: {
    id: int, username: str, displayName: str, role: roleSchema, orgId: int, orgName: str, orgType: orgTypeSchema, disabled: bool, locked: bool,
    lockedUntil: { type: ['string', 'null'] }, mustChangePassword: bool, createdAt: str, updatedAt: str, version: int,
  },
} as const;
export const withPassword = { type: 'object', properties: { account: accountSchema, initialPassword: str } } as const;

export const grantableSchema = { type: 'array', items: { type: 'object', properties: { role: roleSchema, orgTypes: { type: 'array', items: orgTypeSchema } } } } as const;

export const accountListSchema = {
  type: 'object',
  properties: { items: { type: 'array', items: accountSchema }, nextCursor: { type: ['string', 'null'] }, ...pageSchemaProperties },
} as const;
