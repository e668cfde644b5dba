import type { FastifyInstance } from 'fastify';
import { parseDto, parseId } from '@redheart/shared';
import { requireMay } from '../../policy';
import { idParams } from '../../schemas';
import { GroupDto, GroupPatchDto, MemberGroupDto } from './dto';
import { groupListSchema, groupRowSchema, memberGroupSetSchema } from './schemas';
import { MemberGroupService } from './service';

/**
 * 红色引航·众彩绽放: the member groups (服务队) whose work clothes carry their colour (membergroups/service.ts):
 * everyone signed in reads them; admins add and edit them; the community puts its members into one.
 */
export default async function memberGroupRoutes(app: FastifyInstance) {
  const groups = new MemberGroupService(app.db);
  app.addHook('onRequest', app.authenticate);

  app.get('/api/volunteer/member-groups', {
    schema: {
      tags: ['reports'],
      summary: 'The member groups (服务队) and their colours, with the number of approved members of each in the caller’s scope',
      response: { 200: groupListSchema },
    },
    handler: async (req) => groups.groups(req.user),
  });

  app.post('/api/volunteer/member-groups', {
    schema: { tags: ['reports'], summary: 'Add a member group with its colour (admins)', response: { 201: groupRowSchema }, dto: { body: GroupDto } },
    preValidation: requireMay('memberGroup.edit'),
    handler: async (req, reply) => reply.status(201).send(await groups.create({ user: req.user, requestId: req.id }, await parseDto(GroupDto, req.body))),
  });

  app.patch<{ Params: { id: string } }>('/api/volunteer/member-groups/:id', {
    schema: { tags: ['reports'], summary: 'Rename, recolour or reorder a member group (admins)', params: idParams, response: { 200: groupRowSchema }, dto: { body: GroupPatchDto } },
    preValidation: requireMay('memberGroup.edit'),
    handler: async (req) => {
      const id = parseId(req.params.id, 'Member group');
      return groups.update({ user: req.user, requestId: req.id }, id, await parseDto(GroupPatchDto, req.body));
    },
  });

  app.put<{ Params: { id: string } }>('/api/volunteer/members/:id/group', {
    schema: {
      tags: ['reports'],
      summary: 'Put a reported member into a group, or into none (groupId: null); community staff within scope',
      params: idParams, response: { 200: memberGroupSetSchema }, dto: { body: MemberGroupDto },
    },
    preValidation: requireMay('member.setGroup'),
    handler: async (req) => {
      const id = parseId(req.params.id, 'Member');
      return groups.setMemberGroup({ user: req.user, requestId: req.id }, id, await parseDto(MemberGroupDto, req.body));
    },
  });
}
