import type { FastifyInstance } from 'fastify';
import { pageQueryDoc, parseDto, parseId, parseQuery } from '@redheart/shared';
import { writesNeed } from '../../policy';
import { idParams } from '../schemas';
import { accountListSchema, accountSchema, grantableSchema, withPassword } from './schemas';
import { CreateAccountDto, ListAccountsQuery, UpdateAccountDto, VersionDto } from './dto';
import { AccountService } from './service';

/**
 * 账号管理: the organisation department (and, for their own staff, a street or a community secretary)
 * creates accounts with a one-time password, changes role and placement, disables, and resets
 * passwords. Passwords are never shown again after the answer that creates them.
 */
export default async function accountRoutes(app: FastifyInstance, opts: { onSessionsEnded?: () => Promise<void> }) {
  const accounts = new AccountService(app.db, opts.onSessionsEnded);
  app.addHook('onRequest', app.authenticate);
  // A role that manages no account is refused first (403), before its body is read.
  app.addHook('preValidation', writesNeed('accounts.manage'));

  app.get('/api/org/accounts/grantable', {
    schema: {
      tags: ['accounts'], summary: 'The roles you may give, and the organisation types each belongs to',
      response: { 200: grantableSchema },
    },
    handler: async (req) => accounts.grantable(req.user),
  });

  app.get('/api/org/accounts', {
    schema: {
      tags: ['accounts'], summary: 'Accounts you manage (in scope, of roles you may give): ?q=&role=&orgId=&status=active|disabled|locked&limit=&cursor= (keyset), or ' + pageQueryDoc,
      response: { 200: accountListSchema }, dto: { query: ListAccountsQuery }
    },
    handler: async (req) => accounts.list(req.user, await parseQuery(ListAccountsQuery, req.query)),
  });

  app.get<{ Params: { id: string } }>('/api/org/accounts/:id', {
    schema: { tags: ['accounts'], summary: 'One account you manage', params: idParams, response: { 200: accountSchema } },
    handler: async (req) => accounts.get(req.user, parseId(req.params.id, 'Account')),
  });

  app.post('/api/org/accounts', {
    schema: { tags: ['accounts'], summary: 'Create an account; the answer carries its one-time password (shown once)', response: { 201: withPassword }, dto: { body: CreateAccountDto } },
    handler: async (req, reply) => {
      const dto = await parseDto(CreateAccountDto, req.body);
      const out = await accounts.create({ user: req.user, requestId: req.id }, dto);
      reply.header('cache-control', 'no-store');
      return reply.status(201).send(out);
    },
  });

  app.patch<{ Params: { id: string } }>('/api/org/accounts/:id', {
    schema: { tags: ['accounts'], summary: 'Change name, role, organisation or disable/enable {version, …}; stale version → 409', params: idParams, response: { 200: accountSchema }, dto: { body: UpdateAccountDto } },
    handler: async (req) => {
      const id = parseId(req.params.id, 'Account');
      return accounts.update({ user: req.user, requestId: req.id }, id, await parseDto(UpdateAccountDto, req.body));
    },
  });

  app.post<{ Params: { id: string } }>('/api/org/accounts/:id/reset-password', {
    schema: { tags: ['accounts'], summary: 'A new one-time password (shown once); lifts the login locks of the username and signs the account out everywhere', params: idParams, response: { 200: withPassword }, dto: { body: VersionDto } },
    handler: async (req, reply) => {
      const id = parseId(req.params.id, 'Account');
      const dto = await parseDto(VersionDto, req.body);
      reply.header('cache-control', 'no-store');
      return accounts.resetPassword({ user: req.user, requestId: req.id }, id, dto.version);
    },
  });

  app.post<{ Params: { id: string } }>('/api/org/accounts/:id/end-sessions', {
    schema: {
      tags: ['accounts'], summary: 'Forced logout: end every session of an account you manage {version}; its tokens are refused within a second; stale version → 409',
      params: idParams,
      body: { type: 'object', required: ['version'], properties: { version: { type: 'integer', minimum: 1 } } },
      response: { 200: accountSchema }, dto: { body: VersionDto }
    },
    handler: async (req) => {
      const id = parseId(req.params.id, 'Account');
      const dto = await parseDto(VersionDto, req.body);
      return accounts.endSessions({ user: req.user, requestId: req.id }, id, dto.version);
    },
  });
}
