import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from './errors';
import { bodyLimitFor } from './route-limits';

/** How deep a JSON body may nest (objects and arrays); no request of ours comes near it. */
export const MAX_JSON_DEPTH = 64;

/** C0 control characters and DEL, except tab, line feed and carriage return. PostgreSQL refuses NUL in text. */
const CONTROL = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/;

/** True when `s` holds NUL or another control character other than tab, line feed and carriage return. */
export const hasControlCharacters = (s: string): boolean => CONTROL.test(s);

export const invalidCharacters = (field: string) =>
  new AppError(400, 'INVALID_CHARACTERS', `字段 ${field} 含有不允许的控制字符（如 NUL），请删除后重试`, { field });

const jsonTooDeep = () =>
  new AppError(400, 'JSON_TOO_DEEP', `请求体 JSON 嵌套超过 ${MAX_JSON_DEPTH} 层`, { maxDepth: MAX_JSON_DEPTH });

/** The path of a field as people read it: `body.persons[2].name`. */
function child(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  return /^[A-Za-z_$][\w$]*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
}

/**
 * The path of the first string (value or key) holding a control character, or undefined.
 * Iterative: a value nested deeper than the JSON limit (only possible from code, not from a body) cannot overflow the stack.
 */
export function findControlCharacter(value: unknown, root: string): string | undefined {
  const stack: [unknown, string][] = [[value, root]];
  while (stack.length) {
    const [v, path] = stack.pop()!;
    if (typeof v === 'string') {
      if (CONTROL.test(v)) return path;
    } else if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push([v[i], child(path, i)]);
    } else if (v && typeof v === 'object' && !Buffer.isBuffer(v) && typeof (v as { pipe?: unknown }).pipe !== 'function') {
      const entries = Object.entries(v);
      for (let i = entries.length - 1; i >= 0; i--) {
        const [k, x] = entries[i];
        if (CONTROL.test(k)) return child(path, k);
        stack.push([x, child(path, k)]);
      }
    }
  }
  return undefined;
}

/** Throws 400 INVALID_CHARACTERS naming the field when a string in `value` holds a control character. */
export function assertNoControlCharacters(value: unknown, field: string): void {
  const bad = findControlCharacter(value, field);
  if (bad) throw invalidCharacters(bad);
}

/**
 * The nesting depth of a JSON text, read without parsing it (strings are skipped), stopping as soon
 * as it passes `limit`: a 20,000-deep body is refused after 65 brackets and never reaches a recursive reader.
 */
export function jsonDepthExceeds(text: string, limit = MAX_JSON_DEPTH): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x7b || c === 0x5b) {
      if (++depth > limit) return true;
    } else if (c === 0x7d || c === 0x5d) {
      depth--;
    }
  }
  return false;
}

/**
 * Input hygiene for every service, registered on the root instance before the routes:
 * - each route's body limit comes from ROUTE_LIMITS (a larger body: 413 PAYLOAD_TOO_LARGE);
 * - JSON bodies deeper than MAX_JSON_DEPTH are refused (400 JSON_TOO_DEEP) before they are parsed,
 *   then parsed by Fastify's own parser (prototype-poisoning checks kept);
 * - query, route params and body are walked for NUL and other control characters (400 INVALID_CHARACTERS
 *   naming the field), which PostgreSQL would refuse with a 500.
 */
export function registerInputGuard(app: FastifyInstance): void {
  // each route's body limit from the one table the gateway reads too (unless the route sets its own)
  app.addHook('onRoute', (route) => {
    if (route.bodyLimit !== undefined) return;
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    route.bodyLimit = Math.max(...methods.map((m) => bodyLimitFor(m, route.url)));
  });
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (req: FastifyRequest, body: string | Buffer, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (jsonDepthExceeds(text)) {
      done(jsonTooDeep(), undefined);
      return;
    }
    parseJson(req, text, done);
  });
  // a callback hook, not an async one: it runs on every request, and a promise each is measurable
  app.addHook('preValidation', (req, _reply, done) => {
    try {
      assertNoControlCharacters(req.params, 'params');
      assertNoControlCharacters(req.query, 'query');
      assertNoControlCharacters(req.body, 'body');
    } catch (err) {
      return done(err as Error);
    }
    done();
  });
}
