import type { FastifyInstance } from 'fastify';
import { type CommunityDirectory, parseDto, parseId, parseQuery } from '@redheart/shared';
import { requireMay } from '../../policy';
import { CategoryDto, CategoryPatchDto, CommunityFilter, PracticalProjectDto, PracticalProjectPatchDto, ProjectDto, ProjectPatchDto, ResourceDto } from './dto';
import { idParams, listOf } from '../../schemas';
import { categorySchema, practicalProjectSchema, projectCreatedSchema, projectSchema, resourceCreatedSchema, resourceSchema, versionSchema } from './schemas';
import { ListService } from './service';

/** The three lists (needs are the items; here: resources and projects) and the editable reference data. */
export default async function listRoutes(app: FastifyInstance, opts: { communities: CommunityDirectory }) {
  const lists = new ListService(app.db, opts.communities);
  app.addHook('onRequest', app.authenticate);

  app.get('/api/volunteer/categories', {
    schema: { tags: ['lists'], summary: 'The 41 service categories', response: { 200: listOf(categorySchema) } },
    handler: async () => lists.categories(),
  });
  app.post('/api/volunteer/categories', {
    schema: { tags: ['lists'], summary: 'Add a category (admins)', response: { 201: categorySchema }, dto: { body: CategoryDto } },
    preValidation: requireMay('lists.edit'),
    handler: async (req, reply) => reply.status(201).send(await lists.createCategory({ user: req.user, requestId: req.id }, await parseDto(CategoryDto, req.body))),
  });
  app.patch<{ Params: { id: string } }>('/api/volunteer/categories/:id', {
    schema: { tags: ['lists'], summary: 'Edit a category (admins)', params: idParams, response: { 200: categorySchema }, dto: { body: CategoryPatchDto } },
    preValidation: requireMay('lists.edit'),
    handler: async (req) => {
      const id = parseId(req.params.id, 'Category');
      return lists.updateCategory({ user: req.user, requestId: req.id }, id, await parseDto(CategoryPatchDto, req.body));
    },
  });

  app.get('/api/volunteer/practical-projects', {
    schema: { tags: ['lists'], summary: 'The practical projects (惠民实事)', response: { 200: listOf(practicalProjectSchema) } },
    handler: async () => lists.practicalProjects(),
  });
  app.post('/api/volunteer/practical-projects', {
    schema: { tags: ['lists'], summary: 'Add a practical project (admins)', response: { 201: practicalProjectSchema }, dto: { body: PracticalProjectDto } },
    preValidation: requireMay('lists.edit'),
    handler: async (req, reply) => reply.status(201).send(await lists.createPracticalProject({ user: req.user, requestId: req.id }, await parseDto(PracticalProjectDto, req.body))),
  });
  app.patch<{ Params: { id: string } }>('/api/volunteer/practical-projects/:id', {
    schema: { tags: ['lists'], summary: 'Edit a practical project (admins)', params: idParams, response: { 200: practicalProjectSchema }, dto: { body: PracticalProjectPatchDto } },
    preValidation: requireMay('lists.edit'),
    handler: async (req) => {
      const id = parseId(req.params.id, 'Practical project');
      return lists.updatePracticalProject({ user: req.user, requestId: req.id }, id, await parseDto(PracticalProjectPatchDto, req.body));
    },
  });

  app.get('/api/volunteer/resources', {
    schema: { tags: ['lists'], summary: 'Resources offered by units (a unit sees its own; communities what is offered to them)', response: { 200: listOf(resourceSchema) } },
    handler: async (req) => lists.resources(req.user),
  });
  app.post('/api/volunteer/resources', {
    schema: { tags: ['lists'], summary: 'A unit offers a resource', response: { 201: resourceCreatedSchema }, dto: { body: ResourceDto } },
    preValidation: requireMay('resource.offer'),
    handler: async (req, reply) => reply.status(201).send(await lists.offerResource({ user: req.user, requestId: req.id }, await parseDto(ResourceDto, req.body))),
  });

  app.get('/api/volunteer/projects', {
    schema: { tags: ['lists'], summary: 'Projects matched from needs and resources, with budget and milestones', response: { 200: listOf(projectSchema) }, dto: { query: CommunityFilter } },
    handler: async (req) => lists.projects(req.user, (await parseQuery(CommunityFilter, req.query)).communityId),
  });
  app.post('/api/volunteer/projects', {
    schema: { tags: ['lists'], summary: 'Match a need with a resource into a project (community staff)', response: { 201: projectCreatedSchema }, dto: { body: ProjectDto } },
    preValidation: requireMay('project.edit'),
    handler: async (req, reply) => reply.status(201).send(await lists.createProject({ user: req.user, requestId: req.id }, await parseDto(ProjectDto, req.body))),
  });
  app.patch<{ Params: { id: string } }>('/api/volunteer/projects/:id', {
    schema: { tags: ['lists'], summary: 'Update a project’s status, budget or milestones', params: idParams, response: { 200: versionSchema }, dto: { body: ProjectPatchDto } },
    preValidation: requireMay('project.edit'),
    handler: async (req) => {
      const id = parseId(req.params.id, 'Project');
      return lists.updateProject({ user: req.user, requestId: req.id }, id, await parseDto(ProjectPatchDto, req.body));
    },
  });
}
