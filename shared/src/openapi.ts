import 'reflect-metadata';
import type { MetadataStorage } from 'class-transformer/types/MetadataStorage';
import { targetConstructorToSchema, validationMetadatasToSchemas } from 'class-validator-jsonschema';

/** A DTO property's documentation in the OpenAPI document (`@JSONSchema({ description: '…' })`), beside its class-validator rules. */
export { JSONSchema } from 'class-validator-jsonschema';

// class-transformer's own store of @Type() metadata (nested DTOs); its module has no declaration file of its own.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { defaultMetadataStorage } = require('class-transformer/cjs/storage') as { defaultMetadataStorage: MetadataStorage };

/** A class-validator DTO (the one source of a request body's or query string's shape). */
export type DtoClass = abstract new (...args: never[]) => object;

declare module 'fastify' {
  interface FastifySchema {
    /**
     * The DTOs this route reads its body and query string with (parseDto / parseQuery). They are the one source of
     * those shapes: the OpenAPI document carries the JSON Schema derived from them (class-validator-jsonschema, by
     * `dtoSwaggerTransform`), and validation stays with class-validator, whose 400 names every bad field with a code
     * the SPA words in the user's language. Fastify does not compile this key, so nothing is validated twice.
     */
    dto?: { body?: DocumentedBody; query?: DtoClass };
  }
}

type Json = Record<string, unknown>;

/**
 * What a route reads as its body: a DTO, a file (`BINARY_BODY`, with the route's `consumes`), a multipart upload
 * (`multipartBody(...)`) or nothing at all (`NO_BODY`: a POST that is only an action).
 */
export type DocumentedBody = DtoClass | { readonly doc: Json } | typeof NO_BODY;
export const NO_BODY = 'none' as const;
export const BINARY_BODY = { doc: { type: 'string', format: 'binary' } } as const;
/** A multipart/form-data upload: one file field and optional text fields. */
export const multipartBody = (file: string, fields: string[] = []) =>
  ({ doc: { type: 'object', required: [file], properties: { [file]: { type: 'string', format: 'binary' }, ...Object.fromEntries(fields.map((f) => [f, { type: 'string' }])) } } }) as const;
let all: Record<string, Json> | undefined;

const schemaOptions: Parameters<typeof validationMetadatasToSchemas>[0] = {
  classTransformerMetadataStorage: defaultMetadataStorage,
  refPointerPrefix: '#/dto/',
  // the library's own pattern is a date-time's, but @IsDateString() takes any ISO 8601 date (2026-01-15 too)
  additionalConverters: { isDateString: { type: 'string', description: 'ISO 8601 date or date-time' } },
};

/** Every DTO's schema by class name, nested DTOs as `$ref`s into the same map (built once, after every route module is loaded). */
function schemas(): Record<string, Json> {
  all ??= validationMetadatasToSchemas(schemaOptions) as Record<string, Json>;
  return all;
}

function inline(node: unknown, seen: string[]): unknown {
  if (Array.isArray(node)) return node.map((n) => inline(n, seen));
  if (!node || typeof node !== 'object') return node;
  const ref = (node as Json).$ref;
  if (typeof ref === 'string' && ref.startsWith('#/dto/')) {
    const name = ref.slice('#/dto/'.length);
    if (seen.includes(name)) return { type: 'object' };
    return closed(inline(schemas()[name] ?? { type: 'object' }, [...seen, name]) as Json);
  }
  return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, k === 'properties' ? Object.fromEntries(Object.entries(v as Json).map(([p, s]) => [p, inline(s, seen)])) : inline(v, seen)]));
}

/** Unknown fields are refused (parseDto's forbidNonWhitelisted), so the schema says so. */
const closed = (s: Json): Json => (s.type === 'object' && s.properties ? { ...s, additionalProperties: false } : s);

/** The JSON Schema of a DTO, nested DTOs inlined (an OpenAPI 3.0 schema object). */
export function dtoJsonSchema(cls: DtoClass): Json {
  // By the class itself, not by its name: the map above merges every class of one name, and two modules' DTOs may
  // share one (volunteer's report DecisionDto and org's meeting DecisionDto, two notification ListQuery classes) when
  // their services run in one process.
  const s = targetConstructorToSchema(cls, schemaOptions) as Json;
  if (!s.type) return { type: 'object', additionalProperties: false };
  return closed(inline(s, [cls.name]) as Json);
}

/**
 * @fastify/swagger's `transform`: a route's `schema.dto` becomes its documented `body` / `querystring`.
 * Register it in every service: `app.register(swagger, { openapi: …, transform: dtoSwaggerTransform })`.
 */
export function dtoSwaggerTransform({ schema, url }: { schema: unknown; url: string }): { schema: Json; url: string } {
  const s = (schema ?? {}) as Json & { dto?: { body?: DocumentedBody; query?: DtoClass } };
  if (!s.dto) return { schema: s, url };
  const { dto, ...rest } = s;
  const body: Json = dto.body === NO_BODY ? { 'x-no-body': true } : typeof dto.body === 'function' ? { body: dtoJsonSchema(dto.body) } : dto.body ? { body: dto.body.doc } : {};
  if (dto.body && typeof dto.body === 'object' && dto.body.doc.type === 'object' && !rest.consumes) body.consumes = ['multipart/form-data'];
  return {
    schema: {
      ...rest,
      ...(rest.body ? {} : body),
      ...(dto.query && !rest.querystring ? { querystring: dtoJsonSchema(dto.query) } : {}),
    },
    url,
  };
}

/**
 * A 204 (an answer without a body) declared empty on purpose: `x-empty: true` on every 204 of the document
 * (scripts/api-check.mjs counts it as a declared success answer). For @fastify/swagger's `transformObject`:
 * `transformObject: (d) => ('openapiObject' in d ? markEmptyAnswers(d.openapiObject) : d.swaggerObject)`.
 */
export function markEmptyAnswers<T extends object>(openapiObject: T): T {
  const paths = ((openapiObject as { paths?: unknown }).paths ?? {}) as Record<string, Record<string, { responses?: Record<string, Json> } | undefined>>;
  for (const ops of Object.values(paths)) {
    for (const op of Object.values(ops)) {
      const empty = op?.responses?.['204'];
      if (empty && !empty.content) empty['x-empty'] = true;
    }
  }
  return openapiObject;
}

/** A response field from a closed vocabulary (shared/src/workflows/vocabulary.ts): the OpenAPI document and the SPA's types name its values. */
export const enumSchema = <const V extends readonly string[]>(values: V) => ({ type: 'string', enum: values }) as const;

/** enumSchema, or null. */
export const nullableEnumSchema = <const V extends readonly string[]>(values: V) => ({ type: ['string', 'null'], enum: [...values, null] }) as const;
