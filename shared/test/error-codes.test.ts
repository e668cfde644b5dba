import 'reflect-metadata';
import Fastify from 'fastify';
import request from 'supertest';
import { ArrayMaxSize, IsArray, IsIn, IsInt, IsOptional, IsString, Length, Matches, MaxLength, Min, ValidateNested } from 'class-validator';
import { Type } from 'class-transformer';
import { AppError, badRequest, errorResponseSchema, type FieldError, parseDto, parseQuery, registerErrorHandler, wrongState } from '../src';

class Person {
  @IsString() @Length(2, 40) name: string;
}

class Dto {
  @IsString() @Length(1, 10) name: string;
  @IsInt() @Min(1) version: number;
  @IsOptional() @IsString() @MaxLength(40) @Matches(/^[0-9+\-() ]*$/, { message: 'phone may hold digits, spaces, +, -, ( and ) only', context: { code: 'phone' } })
  phone?: string;
  @IsOptional() @IsIn(['family', 'collective']) kind?: string;
  @IsOptional() @IsArray() @ArrayMaxSize(2) @IsString({ each: true }) tags?: string[];
  @IsOptional() @ValidateNested({ each: true }) @Type(() => Person) persons?: Person[];
}

async function fieldsOf(input: unknown): Promise<FieldError[]> {
  const err = (await parseDto(Dto, input).catch((e) => e)) as AppError;
  expect(err).toBeInstanceOf(AppError);
  expect(err).toMatchObject({ statusCode: 400, code: 'VALIDATION_FAILED' });
  return err.details as FieldError[];
}

describe('VALIDATION_FAILED details: a machine code and params per field besides the English sentence', () => {
  it('names the failed constraint with its arguments', async () => {
    const fields = await fieldsOf({ name: 'far too long a name', version: 0, kind: 'tent', tags: ['a', 'b', 'c'] });
    const by = Object.fromEntries(fields.map((f) => [f.field, f]));
    expect(by.name).toMatchObject({ code: 'isLength', params: { min: 1, max: 10 }, errors: [expect.stringMatching(/shorter than or equal to 10/)] });
    expect(by.version).toMatchObject({ code: 'min', params: { min: 1 } });
    expect(by.kind).toMatchObject({ code: 'isIn', params: { values: ['family', 'collective'] } });
    expect(by.tags).toMatchObject({ code: 'arrayMaxSize', params: { max: 2 } });
  });

  it("takes the code a DTO gives its decorator (context.code): the org phone check is 'phone', not a bare pattern", async () => {
    const [phone] = await fieldsOf({ name: 'a', version: 1, phone: 'call me' });
    expect(phone).toEqual({ field: 'phone', code: 'phone', errors: ['phone may hold digits, spaces, +, -, ( and ) only'] });
  });

  it('nested fields, unknown fields and a body that is no object have codes too', async () => {
    const fields = await fieldsOf({ name: 'a', version: 1, persons: [{ name: 'x' }], extra: 1 });
    expect(fields).toEqual(expect.arrayContaining([
      expect.objectContaining({ field: 'persons.0.name', code: 'isLength', params: { min: 2, max: 40 } }),
      expect.objectContaining({ field: 'extra', code: 'whitelistValidation' }),
    ]));
    await expect(parseDto(Dto, [1])).rejects.toMatchObject({ code: 'VALIDATION_FAILED', details: [{ field: 'body', code: 'isObject' }] });
  });

  it('integers beyond 2^53 and query strings alike', async () => {
    const [big] = await fieldsOf({ name: 'a', version: 1e20 });
    expect(big).toMatchObject({ field: 'version', code: 'max', params: { max: Number.MAX_SAFE_INTEGER } });
    class Q {
      @IsOptional() @IsInt() @Min(1) communityId?: number;
    }
    const err = (await parseQuery(Q, { communityId: 'abc' }).catch((e) => e)) as AppError;
    expect(err.details).toEqual([expect.objectContaining({ field: 'communityId', code: 'isInt' })]);
  });
});

describe('the error handler: code, params and field codes reach the client through a response schema', () => {
  const app = Fastify();
  registerErrorHandler(app);
  const schema = { response: { 400: errorResponseSchema, 409: errorResponseSchema } };
  app.post('/dto', { schema }, async (req) => parseDto(Dto, req.body));
  app.post('/state', { schema }, async () => {
    throw wrongState('A ACCEPTED case cannot be accepted', { entity: 'move_case', from: 'ACCEPTED', action: 'accept' });
  });
  app.post('/by-hand', { schema }, async () => {
    throw badRequest('reason is required', [{ field: 'reason', errors: ['必填'] }, { field: 'from', errors: ['after to'] }], 'VALIDATION_FAILED');
  });
  app.post('/weak', { schema }, async () => {
    throw badRequest('The new password must be 10 to 128 characters long', [{ field: 'newPassword', errors: ['must be 10 to 128 characters long'] }], 'WEAK_PASSWORD');
  });
  beforeAll(() => app.ready());
  afterAll(() => app.close());
  const post = (url: string, body?: object) => request(app.server).post(url).send(body ?? {});

  it('a refused transition: 409 WRONG_STATE with {entity, from, action}', async () => {
    const res = await post('/state');
    expect(res.statusCode).toBe(409);
    expect(res.body).toEqual({ statusCode: 409, code: 'WRONG_STATE', message: 'A ACCEPTED case cannot be accepted', params: { entity: 'move_case', from: 'ACCEPTED', action: 'accept' } });
  });

  it('parseDto fields keep their code and params through the serialiser', async () => {
    const res = await post('/dto', { name: 'a', version: 1, phone: 'x' });
    expect(res.statusCode).toBe(400);
    expect(res.body).toMatchObject({ code: 'VALIDATION_FAILED', details: [{ field: 'phone', code: 'phone' }] });
  });

  it('a field list written by hand gets codes: required, else invalid, else the error’s own code', async () => {
    const res = await post('/by-hand');
    expect(res.body.details).toEqual([
      { field: 'reason', errors: ['必填'], code: 'required' },
      { field: 'from', errors: ['after to'], code: 'invalid' },
    ]);
    const weak = await post('/weak');
    expect(weak.body).toMatchObject({ code: 'WEAK_PASSWORD', details: [{ field: 'newPassword', code: 'WEAK_PASSWORD' }] });
  });
});
