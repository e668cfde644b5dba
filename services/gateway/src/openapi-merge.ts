import { isDeepStrictEqual } from 'node:util';

/** The parts of an OpenAPI 3 document the merge touches; everything else is carried as-is. */
export interface OpenApiDocument {
  openapi?: string;
  info?: Record<string, unknown>;
  tags?: { name: string; description?: string }[];
  paths?: Record<string, Record<string, unknown>>;
  components?: Record<string, Record<string, unknown>>;
  security?: unknown[];
  [key: string]: unknown;
}

export interface UpstreamDocument {
  service: string;
  document: OpenApiDocument | null;
}

const METHODS = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']);

/** Replaces `#/components/<section>/<old>` references throughout a document. */
function rewriteRefs(node: unknown, renames: Map<string, string>): unknown {
  if (Array.isArray(node)) return node.map((n) => rewriteRefs(n, renames));
  if (!node || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) {
    out[k] = k === '$ref' && typeof v === 'string' && renames.has(v) ? renames.get(v) : rewriteRefs(v, renames);
  }
  return out;
}

/**
 * Merges the gateway's own document with the services' documents into the one document of the
 * public API (platformatic-gateway style).
 *
 * - paths are kept as they are (each service already serves its paths under /api/<service>/);
 *   if two services claim the same path, the first wins and a conflict is reported;
 * - every operation is tagged `<service>/<tag>` (or `<service>` when untagged) and marked with
 *   `x-service`, so Swagger UI groups the API per service;
 * - a service's document-wide `security` is copied onto its operations that do not set their own,
 *   since the merged document has no single default;
 * - components of every kind (schemas, securitySchemes, …) are merged by name: identical
 *   definitions are shared, a different definition under a taken name becomes `<service>.<name>`
 *   and that service's `$ref`s are rewritten;
 * - services whose document could not be fetched are skipped and listed in `x-upstreams`.
 */
export function mergeOpenApi(own: OpenApiDocument, upstreams: UpstreamDocument[]): { document: OpenApiDocument; conflicts: string[] } {
  const conflicts: string[] = [];
  const paths: Record<string, Record<string, unknown>> = { ...(own.paths ?? {}) };
  const components: Record<string, Record<string, unknown>> = {};
  const tags = new Map<string, { name: string; description?: string }>();
  for (const t of own.tags ?? []) tags.set(t.name, t);
  for (const [section, entries] of Object.entries(own.components ?? {})) components[section] = { ...entries };
  const status: Record<string, 'included' | 'unavailable'> = {};

  for (const { service, document } of upstreams) {
    if (!document || typeof document !== 'object' || typeof document.paths !== 'object' || document.paths === null) {
      status[service] = 'unavailable';
      continue;
    }
    status[service] = 'included';

    // 1. components: find renames first, then rewrite this service's refs, then add
    const renames = new Map<string, string>();
    for (const [section, entries] of Object.entries(document.components ?? {})) {
      for (const [name, def] of Object.entries(entries ?? {})) {
        const taken = components[section]?.[name];
        if (taken !== undefined && !isDeepStrictEqual(taken, def)) {
          renames.set(`#/components/${section}/${name}`, `#/components/${section}/${service}.${name}`);
        }
      }
    }
    const doc = (renames.size ? rewriteRefs(document, renames) : document) as OpenApiDocument;
    for (const [section, entries] of Object.entries(doc.components ?? {})) {
      const target = (components[section] ??= {});
      for (const [name, def] of Object.entries(entries ?? {})) {
        const key = renames.has(`#/components/${section}/${name}`) ? `${service}.${name}` : name;
        if (section === 'securitySchemes' && key !== name) conflicts.push(`${service}: security scheme ${name} differs; kept the first`);
        target[key] = def;
      }
    }

    // 2. paths: tag and secure every operation
    const tagDescriptions = new Map((doc.tags ?? []).map((t) => [t.name, t.description]));
    for (const [path, item] of Object.entries(doc.paths ?? {})) {
      if (paths[path]) {
        conflicts.push(`${service}: path ${path} is already served by ${String((paths[path] as { 'x-service'?: string })['x-service'] ?? 'the gateway')}`);
        continue;
      }
      const merged: Record<string, unknown> = { 'x-service': service };
      for (const [key, value] of Object.entries(item ?? {})) {
        if (!METHODS.has(key) || !value || typeof value !== 'object') {
          merged[key] = value;
          continue;
        }
        const op = { ...(value as Record<string, unknown>) };
        const ownTags = Array.isArray(op.tags) && op.tags.length ? (op.tags as string[]) : [];
        op.tags = ownTags.length ? ownTags.map((t) => `${service}/${t}`) : [service];
        for (const t of ownTags) {
          const desc = tagDescriptions.get(t);
          tags.set(`${service}/${t}`, { name: `${service}/${t}`, description: desc ?? `${t} — ${service} service` });
        }
        if (!ownTags.length) tags.set(service, { name: service, description: `${service} service` });
        if (op.security === undefined && doc.security !== undefined) op.security = doc.security;
        op['x-service'] = service;
        merged[key] = op;
      }
      paths[path] = merged;
    }
  }

  const document: OpenApiDocument = {
    ...own,
    openapi: own.openapi ?? '3.0.3',
    tags: [...tags.values()].sort((a, b) => a.name.localeCompare(b.name)),
    paths: Object.fromEntries(Object.entries(paths).sort(([a], [b]) => a.localeCompare(b))),
    components,
    'x-upstreams': status,
  };
  return { document, conflicts };
}
