import 'reflect-metadata';
import { plainToInstance } from 'class-transformer';
import { validate, type ValidationError } from 'class-validator';
import { badRequest } from './errors';

type Ctor<T> = new () => T;

function flatten(errors: ValidationError[], prefix = ''): { field: string; errors: string[] }[] {
  const out: { field: string; errors: string[] }[] = [];
  for (const e of errors) {
    const field = prefix ? `${prefix}.${e.property}` : e.property;
    if (e.constraints) out.push({ field, errors: Object.values(e.constraints) });
    if (e.children?.length) out.push(...flatten(e.children, field));
  }
  return out;
}

/**
 * Integers beyond 2^53 pass @IsInt() (1e20 is an integer to JavaScript) but are not ids, counts or
 * versions of ours, and PostgreSQL would refuse them as bigint (a 500): they are named and refused here.
 */
function unsafeIntegers(value: unknown, prefix = ''): { field: string; errors: string[] }[] {
  if (typeof value === 'number') {
    return Number.isInteger(value) && !Number.isSafeInteger(value) ? [{ field: prefix || 'value', errors: [`must be at most ${Number.MAX_SAFE_INTEGER}`] }] : [];
  }
  if (!value || typeof value !== 'object') return [];
  const out: { field: string; errors: string[] }[] = [];
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
    throw badRequest('Request body must be a JSON object', undefined, 'VALIDATION_FAILED');
  }
  const instance = plainToInstance(cls, input, { enableImplicitConversion: false });
  const errors = await validate(instance, { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true });
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
  const errors = await validate(instance, { whitelist: true, forbidNonWhitelisted: true });
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
