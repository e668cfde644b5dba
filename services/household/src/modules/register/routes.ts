import type { FastifyInstance } from 'fastify';
import { errorResponseSchema, parseDto, parseId, parseQuery } from '@redheart/shared';
import { requireMay } from '../../policy';
import { HouseholdQuery, PersonQuery, PropertyQuery, RevealDto } from './dto';
import { householdBookSchema, householdListSchema, idParams, personListSchema, propertyListSchema, revealLogSchema, revealSchema } from './schemas';
import type { RegisterService } from './service';

/** The household register: lookups by exact ID number, households and their book, properties, and audited reveals. */
export default async function registerRoutes(app: FastifyInstance, opts: { register: RegisterService }) {
  const { register } = opts;
  app.addHook('onRequest', app.authenticate);
  app.addHook('preValidation', requireMay('readRegister'));

  app.get('/api/household/persons', {
    schema: {
      tags: ['register'], summary: 'Find persons by exact ID number (keyed hash) or name prefix, within scope; IDs masked',
      response: { 200: personListSchema }, dto: { query: PersonQuery },
    },
    handler: async (req) => register.persons(req.user, await parseQuery(PersonQuery, req.query)),
  });

  app.post<{ Params: { id: string } }>('/api/household/persons/:id/reveal', {
    schema: { tags: ['register'], summary: 'Show a full ID number: needs a stated reason, written to the access log', params: idParams, response: { 200: revealSchema }, dto: { body: RevealDto } },
    handler: async (req) => {
      const id = parseId(req.params.id, 'Person');
      const dto = await parseDto(RevealDto, req.body);
      return register.reveal({ user: req.user, requestId: req.id }, id, dto);
    },
  });

  app.get('/api/household/reveal-log', {
    schema: { tags: ['register'], summary: 'Who revealed which ID number and why (admins: all; street admins: their streets\' communities), newest 200', response: { 200: revealLogSchema, 403: errorResponseSchema } },
    handler: async (req) => register.revealLog(req.user),
  });

  app.get('/api/household/households', {
    schema: { tags: ['register'], summary: 'Households in scope (keyset by id)', response: { 200: householdListSchema }, dto: { query: HouseholdQuery } },
    handler: async (req) => register.households(req.user, await parseQuery(HouseholdQuery, req.query)),
  });

  app.get<{ Params: { id: string } }>('/api/household/households/:id', {
    schema: { tags: ['register'], summary: 'The household book (户口簿): current members, and past ones', params: idParams, response: { 200: householdBookSchema } },
    handler: async (req) => register.household(req.user, parseId(req.params.id, 'Household')),
  });

  app.get('/api/household/properties', {
    schema: { tags: ['register'], summary: 'Properties (flats) by certificate number or community; owners masked', response: { 200: propertyListSchema }, dto: { query: PropertyQuery } },
    handler: async (req) => register.properties(req.user, await parseQuery(PropertyQuery, req.query)),
  });
}
