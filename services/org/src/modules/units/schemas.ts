/** Response schemas of the org chart's routes: answers are serialised through them and documented. */
import { orgTypeSchema } from '../schemas';

const contactsSchema = {
  type: 'object',
  properties: { phone: { type: 'string' }, address: { type: 'string' }, person: { type: 'string' } },
} as const;

export const orgUnitProperties = {
  id: { type: 'integer' },
  type: orgTypeSchema,
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
  items: { type: 'object', properties: { id: { type: 'integer' }, name: { type: 'string' }, type: orgTypeSchema } },
} as const;

export const orgUnitSchema = { type: 'object', properties: orgUnitProperties } as const;
export const orgUnitWithAncestorsSchema = {
  type: 'object',
  properties: { ...orgUnitProperties, ancestors: ancestorsSchema },
} as const;

export const orgUnitList = { type: 'array', items: orgUnitSchema } as const;
