import 'reflect-metadata';
import { plainToInstance } from 'class-transformer';
import { getMetadataStorage, validate, type ValidationError } from 'class-validator';
import { badRequest } from './errors';

type Ctor<T> = new () => T;

/**
 * One bad field of a VALIDATION_FAILED answer (`details` is a list of them): `errors` the English sentences (for logs
 * and the API's readers), `code` + `params` the machine form the SPA words in the user's language and puts on the form
 * field: the class-validator constraint that failed (`isInt`, `maxLength` {max}, `isLength` {min, max}, `isIn` {values},
 * `matches`, `whitelistValidation` for an unknown field…), or the `context: { code }` a DTO gave the decorator
 * (`phone`), `maxSafeInteger` {max}, `required`, `malformed`.
 */
export interface FieldError {
  field: string;
  errors: string[];
  code: string;
  params?: Record<string, unknown>;
}

/** The arguments of the common constraints, named as the SPA's messages use them. */
function paramsOf(code: string, args: unknown[] | undefined): Record<string, unknown> | undefined {
  const a = args ?? [];
  switch (code) {
    case 'minLength':
    case 'arrayMinSize':
    case 'min':
      return { min: a[0] };
    case 'maxLength':
    case 'arrayMaxSize':
    case 'max':
      return { max: a[0] };
    case 'isLength':
      return a[1] === undefined ? { min: a[0] } : { min: a[0], max: a[1] };
    case 'isIn':
      return Array.isArray(a[0]) ? { values: a[0] } : undefined;
    case 'isEnum':
      return a[0] && typeof a[0] === 'object' ? { values: Object.values(a[0] as object) } : undefined;
    default:
      return undefined;
  }
}

/** The decorator arguments of a failed constraint, read from class-validator's metadata of the DTO class. */
function constraintArgs(target: object | undefined, property: string, code: string): unknown[] | undefined {
  if (!target) return undefined;
  const metas = getMetadataStorage().getTargetValidationMetadatas(target.constructor, '', true, false);
  return metas.find((m) => m.propertyName === property && (m.name ?? m.type) === code)?.constraints;
}

const TYPE_CHECKS = new Set(['isInt', 'isString', 'isNumber', 'isBoolean', 'isArray', 'isObject', 'isDateString', 'isIso8601']);

function flatten(errors: ValidationError[], prefix = ''): FieldError[] {
  const out: FieldError[] = [];
  for (const e of errors) {
    const field = prefix ? `${prefix}.${e.property}` : e.property;
    if (e.constraints) {
      // class-validator lists the failed constraints innermost decorator first (the pattern before its @IsString());
      // a wrong type makes the others moot, so it is the one worded.
      const failed = Object.keys(e.constraints);
      const constraint = failed.find((c) => TYPE_CHECKS.has(c)) ?? failed[0];
      const context = e.contexts?.[constraint] as { code?: unknown } | undefined;
      const code = typeof context?.code === 'string' ? context.code : constraint;
      const params = paramsOf(constraint, constraintArgs(e.target, e.property, constraint));
      out.push({ field, errors: Object.values(e.constraints), code, ...(params ? { params } : {}) });
    }
    if (e.children?.length) out.push(...flatten(e.children, field));
  }
  return out;
}

/**
 * Integers beyond 2^53 pass @IsInt() (1e20 is an integer to JavaScript) but are not ids, counts or
 * versions of ours, and PostgreSQL would refuse them as bigint (a 500): they are named and refused here.
 */
function unsafeIntegers(value: unknown, prefix = ''): FieldError[] {
  if (typeof value === 'number') {
    return Number.isInteger(value) && !Number.isSafeInteger(value)
      ? [{ field: prefix || 'value', errors: [`must be at most ${Number.MAX_SAFE_INTEGER}`], code: 'max', params: { max: Number.MAX_SAFE_INTEGER } }]
      : [];
  }
  if (!value || typeof value !== 'object') return [];
  const out: FieldError[] = [];
  for (const [k, v] of Object.entries(value)) out.push(...unsafeIntegers(v, prefix ? `${prefix}.${k}` : k));
  return out;
}

function refuseUnsafeIntegers(instance: object, what: 'input' | 'query'): void {
  const fields = unsafeIntegers(instance);
  if (fields.length) {
    throw badRequest(`Invalid ${what}: ${fields.map((f) => `${f.field} (${f.errors.join('; ')})`).join(', ')}`, fields, 'VALIDATION_FAILED');
  }
}

/**
 * Validate once, at the edge: unknown fields are refused (forbidNonWhitelisted), so a role
 * cannot smuggle a field in. Throws 400 naming every bad field.
 */
export async function parseDto<T extends object>(cls: Ctor<T>, input: unknown): Promise<T> {
  if (input === null || input === undefined || typeof input !== 'object' || Array.isArray(input)) {
    throw badRequest('Request body must be a JSON object', [{ field: 'body', errors: ['must be a JSON object'], code: 'isObject' }], 'VALIDATION_FAILED');
  }
  const instance = plainToInstance(cls, input, { enableImplicitConversion: false });
  const errors = await validate(instance, { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true, validationError: { target: true } });
  if (errors.length) {
    const fields = flatten(errors);
    throw badRequest(
      `Invalid input: ${fields.map((f) => `${f.field} (${f.errors.join('; ')})`).join(', ')}`,
      fields,
      'VALIDATION_FAILED',
    );
  }
  refuseUnsafeIntegers(instance, 'input');
  return instance;
}

/** Same for query strings, where every value arrives as a string. */
export async function parseQuery<T extends object>(cls: Ctor<T>, input: unknown): Promise<T> {
  const instance = plainToInstance(cls, input ?? {}, { enableImplicitConversion: true });
  const errors = await validate(instance, { whitelist: true, forbidNonWhitelisted: true, validationError: { target: true } });
  if (errors.length) {
    const fields = flatten(errors);
    throw badRequest(`Invalid query: ${fields.map((f) => `${f.field} (${f.errors.join('; ')})`).join(', ')}`, fields, 'VALIDATION_FAILED');
  }
  refuseUnsafeIntegers(instance, 'query');
  return instance;
}

const INT_RE = /^[1-9][0-9]{0,17}$/;
/** Route ids are positive integers; anything else is a 404 (it names no record) rather than a 500. */
export function parseId(raw: string, what = 'Resource'): number {
  if (!INT_RE.test(raw)) throw badRequest(`${what} id must be a positive integer`, undefined, 'INVALID_ID');
  const n = Number(raw);
  if (!Number.isSafeInteger(n)) throw badRequest(`${what} id is out of range`, undefined, 'INVALID_ID');
  return n;
}

/**
 * Route options for a route whose body schema is there for the OpenAPI document only: the body is validated by its
 * DTO (parseDto), whose 400 names every bad field in the user's language, instead of by Fastify's schema check.
 */
export const bodyCheckedByDto = { validatorCompiler: () => () => true } as const;
