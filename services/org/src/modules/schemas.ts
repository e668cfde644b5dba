/** Response schemas: output is serialised through them (no stray fields leak) and documented in OpenAPI. */
import { errorResponseSchema } from '@redheart/shared';
export const userSchema = {
  type: 'object',
  required: ['id', 'username', 'displayName', 'role', 'orgId', 'orgName', 'orgType'],
  properties: {
    id: { type: 'integer' },
    username: { type: 'string' },
    displayName: { type: 'string' },
    role: { type: 'string' },
    orgId: { type: 'integer' },
    orgName: { type: 'string' },
    orgType: { type: 'string' },
    mustChangePassword: { type: 'boolean' },
  },
} as const;

const contactsSchema = {
  type: 'object',
  properties: { phone: { type: 'string' }, address: { type: 'string' }, person: { type: 'string' } },
} as const;

export const orgUnitProperties = {
  id: { type: 'integer' },
  type: { type: 'string' },
  name: { type: 'string' },
  divisionCode: { type: ['string', 'null'] },
  parentId: { type: ['integer', 'null'] },
  depth: { type: 'integer' },
  contacts: contactsSchema,
  attributes: { type: 'object', additionalProperties: true },
  department: { type: 'boolean', description: 'a county department (县直部门) streets whistle to (街呼县应); work units only' },
  validFrom: { type: 'string' },
  validTo: { type: ['string', 'null'] },
  version: { type: 'integer' },
  childCount: { type: 'integer' },
} as const;

export const ancestorsSchema = {
  type: 'array',
  items: { type: 'object', properties: { id: { type: 'integer' }, name: { type: 'string' }, type: { type: 'string' } } },
} as const;

export const orgUnitSchema = { type: 'object', properties: orgUnitProperties } as const;
export const orgUnitWithAncestorsSchema = {
  type: 'object',
  properties: { ...orgUnitProperties, ancestors: ancestorsSchema },
} as const;

export const errorSchema = errorResponseSchema;

export const idParams = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string' } },
} as const;
