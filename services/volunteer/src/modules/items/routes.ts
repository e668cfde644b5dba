import type { FastifyInstance } from 'fastify';
import multipart from '@fastify/multipart';
import { AppError, assertNoControlCharacters, forbidden, notFound, parseDto, parseId, parseQuery, sendIdempotent, multipartBody, NO_BODY } from '@redheart/shared';
import { requireMay, may, scopeKind } from '../../policy';
import { evidenceParams, idParams, photoResponse } from '../../schemas';
import { CreateItemDto, ItemTransitionDto, ListItemsQuery } from './dto';
import { checkinOpensOn, type ItemService } from './service';
import { MAX_PHOTO_BYTES, photoTooLarge, readPhoto, storePhoto } from './evidence';
import { checkedInSchema, checkinInfoSchema, escalatedSchema, evidenceUploadedSchema, itemDetailSchema, itemListSchema } from './schemas';

const codeParams = { type: 'object', required: ['code'], properties: { code: { type: 'string' } } } as const;

export default async function itemRoutes(app: FastifyInstance, opts: { items: ItemService; filesDir: string }) {
  const { items, filesDir } = opts;
  app.addHook('onRequest', app.authenticate);
  await app.register(multipart, { limits: { fileSize: MAX_PHOTO_BYTES + 1, files: 1, fields: 5 } });

  app.post('/api/volunteer/items', {
    schema: { tags: ['items'], summary: 'Report a need (REPORTED)', response: { 201: itemDetailSchema }, dto: { body: CreateItemDto } },
    preValidation: requireMay('item.report'),
    handler: async (req, reply) => {
      const dto = await parseDto(CreateItemDto, req.body);
      return sendIdempotent(app.db, req, reply, 201, (m) => items.create({ user: req.user, requestId: req.id }, dto, m));
    },
  });

  app.get('/api/volunteer/items', {
    schema: { tags: ['items'], summary: 'Items in scope: filters, view=open|mine, keyset pages (limit, cursor) or numbered pages (page, limit: total, totalExact)', response: { 200: itemListSchema }, dto: { query: ListItemsQuery } },
    handler: async (req) => items.list(req.user, await parseQuery(ListItemsQuery, req.query)),
  });

  app.get<{ Params: { id: string } }>('/api/volunteer/items/:id', {
    schema: { tags: ['items'], summary: 'An item with its timeline, hours, evidence and the actions you may take', params: idParams, response: { 200: itemDetailSchema } },
    handler: async (req) => items.detail(app.db.manager, req.user, parseId(req.params.id, 'Item')),
  });

  app.post<{ Params: { id: string } }>('/api/volunteer/items/:id/transitions', {
    schema: { tags: ['items'], summary: 'Every state change {action, version, …}; stale version → 409; Idempotency-Key supported', params: idParams, response: { 200: itemDetailSchema }, dto: { body: ItemTransitionDto } },
    handler: async (req, reply) => {
      const id = parseId(req.params.id, 'Item');
      const dto = await parseDto(ItemTransitionDto, req.body);
      return sendIdempotent(app.db, req, reply, 200, (m) => items.transition({ user: req.user, requestId: req.id }, id, dto, m), { id });
    },
  });

  app.post<{ Params: { id: string } }>('/api/volunteer/items/:id/evidence', {
    schema: { tags: ['items'], summary: 'Upload an evidence photo (multipart field "file"; JPEG/PNG/WebP ≤ 5 MB and ≤ 40 MP; stored re-encoded as JPEG without metadata)', params: idParams, response: { 201: evidenceUploadedSchema }, dto: { body: multipartBody('file', ['note']) } },
    preValidation: requireMay('evidence.add'),
    handler: async (req, reply) => {
      const id = parseId(req.params.id, 'Item');
      const item = await items.detail(app.db.manager, req.user, id);
      const mayUpload = may(req.user, 'evidence.addAny') || (scopeKind(req.user) === 'unit' && item.unitId === req.user.orgId);
      if (!mayUpload) throw forbidden('Only the claiming unit or the community may add evidence');
      if (!['SCHEDULED', 'IN_PROGRESS', 'DONE'].includes(item.status)) throw new AppError(409, 'WRONG_STATE', 'Evidence is added while the item is being delivered');
      if (!req.isMultipart()) throw new AppError(415, 'UNSUPPORTED_MEDIA_TYPE', 'Send the photo as multipart/form-data');
      const file = await req.file();
      if (!file) throw new AppError(400, 'NO_FILE', 'No file in the upload');
      let buf: Buffer;
      try {
        buf = await file.toBuffer();
      } catch {
        throw photoTooLarge();
      }
      if (file.file.truncated) throw photoTooLarge();
      const note = typeof (file.fields.note as { value?: unknown } | undefined)?.value === 'string' ? String((file.fields.note as { value: string }).value).slice(0, 500) : null;
      assertNoControlCharacters(note, 'note');
      const stored = await storePhoto(filesDir, id, buf);
      const row = await items.addEvidencePhoto({ user: req.user, requestId: req.id }, id, { fileName: stored.fileName, mime: stored.mime, size: stored.size, sha256: stored.sha256, note });
      return reply.status(201).send({ id: row.id, kind: 'photo', mime: stored.mime, size: stored.size, at: new Date(row.at).toISOString() });
    },
  });

  app.get<{ Params: { id: string; evidenceId: string } }>('/api/volunteer/items/:id/evidence/:evidenceId', {
    schema: { tags: ['items'], summary: 'An evidence photo', params: evidenceParams, response: photoResponse },
    handler: async (req, reply) => {
      const id = parseId(req.params.id, 'Item');
      await items.detail(app.db.manager, req.user, id);
      const photo = await items.evidencePhoto(id, parseId(req.params.evidenceId, 'Evidence'));
      reply.header('content-type', photo.mime).header('cache-control', 'private, max-age=3600');
      return reply.send(await readPhoto(filesDir, id, photo.file_name));
    },
  });

  app.get<{ Params: { code: string } }>('/api/volunteer/checkin/:code', {
    schema: { tags: ['service-days'], summary: 'What a check-in code opens', params: codeParams, response: { 200: checkinInfoSchema } },
    handler: async (req) => {
      if (!/^[A-Za-z0-9_-]{8,40}$/.test(req.params.code)) throw notFound('Check-in code');
      const d = await items.detail(app.db.manager, req.user, await items.itemIdByCheckinCode(req.params.code));
      const opensOn = ['SCHEDULED', 'IN_PROGRESS'].includes(d.status) ? checkinOpensOn(d) : null;
      return {
        itemId: d.id, itemNo: d.itemNo, place: d.place, description: d.description, categoryName: d.categoryName, scheduledDate: d.scheduledDate, unitName: d.unitName,
        status: d.status, communityName: d.communityName, checkinOpen: ['SCHEDULED', 'IN_PROGRESS'].includes(d.status) && !opensOn, opensOn,
      };
    },
  });

  app.post<{ Params: { code: string } }>('/api/volunteer/checkin/:code', {
    schema: { tags: ['service-days'], summary: 'A reported member checks in on the service day', params: codeParams, response: { 200: checkedInSchema }, dto: { body: NO_BODY } },
    preValidation: requireMay('checkin'),
    handler: async (req) => {
      if (!/^[A-Za-z0-9_-]{8,40}$/.test(req.params.code)) throw notFound('Check-in code');
      return items.checkin(req.user, req.params.code);
    },
  });

  app.post('/api/volunteer/jobs/escalate', {
    schema: { tags: ['items'], summary: 'Run the escalation job now (admins; it also runs on a timer)', response: { 200: escalatedSchema }, dto: { body: NO_BODY } },
    preValidation: requireMay('jobs.run'),
    handler: async () => ({ escalated: await items.escalateOverdue() }),
  });
}
