/** Response schemas: output is serialised through them (no stray fields leak) and documented in OpenAPI. */
import { errorResponseSchema, ROLES } from '@redheart/shared';
import { ORG_TYPES } from '../domain';

/** The closed sets the answers carry, as enums (the roles from shared, the organisation types from domain.ts). */
export const roleSchema = { type: 'string', enum: ROLES } as const;
export const orgTypeSchema = { type: 'string', enum: ORG_TYPES } as const;

export const errorSchema = errorResponseSchema;

export const idParams = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string' } },
} as const;

// The building blocks of the record modules' response schemas.
export const int = { type: 'integer' } as const;
export const str = { type: 'string' } as const;
export const bool = { type: 'boolean' } as const;
export const nullableInt = { type: ['integer', 'null'] } as const;
export const nullableStr = { type: ['string', 'null'] } as const;
export const nullableNum = { type: ['number', 'null'] } as const;
export const list = <T extends object>(items: T) => ({ type: 'array', items } as const);
