/** Response schemas of the auth routes: answers are serialised through them and documented. */
import { orgTypeSchema, roleSchema } from '../schemas';

export const userSchema = {
  type: 'object',
  required: ['id', 'username', 'displayName', 'role', 'orgId', 'orgName', 'orgType'],
  properties: {
    id: { type: 'integer' },
    username: { type: 'string' },
    displayName: { type: 'string' },
    role: roleSchema,
    orgId: { type: 'integer' },
    orgName: { type: 'string' },
    orgType: orgTypeSchema,
    mustChangePassword: { type: 'boolean' },
  },
} as const;

export const sessionResponse = {
  200: {
    type: 'object',
    required: ['accessToken', 'expiresIn', 'user'],
    properties: { accessToken: { type: 'string' }, expiresIn: { type: 'integer' }, user: userSchema },
  },
};
