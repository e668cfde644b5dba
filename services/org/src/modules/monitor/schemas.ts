import { IsIn, IsInt, IsIP, IsISO8601, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { pageQueryDoc, pageSchemaProperties } from '@redheart/shared';
import { LOGIN_RESULTS, type LoginResult } from '../auth/login-log';
import { roleSchema } from '../schemas';

// ── query DTOs (checked in the handler: 400 naming each bad field) ──────────────────────────────

export class LoginLogQuery {
  @IsOptional() @IsString() @MaxLength(64) username?: string;
  @IsOptional() @IsIn(LOGIN_RESULTS, { message: `result 须为 ${LOGIN_RESULTS.join(' / ')} 之一` }) result?: LoginResult;
  @IsOptional() @IsIP(undefined, { message: 'ip 须为 IP 地址' }) ip?: string;
  @IsOptional() @IsISO8601({ strict: true }, { message: 'from 须为 ISO 8601 时间' }) from?: string;
  @IsOptional() @IsISO8601({ strict: true }, { message: 'to 须为 ISO 8601 时间' }) to?: string;
  @IsOptional() @IsInt() @Min(1) @Max(200) limit?: number;
  @IsOptional() @IsString() @MaxLength(64) cursor?: string;
  @IsOptional() @IsInt() @Min(1) page?: number;
}

export class SessionsQuery {
  @IsOptional() @IsString() @MaxLength(64) username?: string;
  @IsOptional() @IsInt() @Min(1) @Max(200) limit?: number;
  @IsOptional() @IsString() @MaxLength(200) cursor?: string;
  @IsOptional() @IsInt() @Min(1) page?: number;
}

// ── JSON schemas (the OpenAPI document) ──────────────────────────────────────────────────────

const str = { type: 'string' } as const;
const nullableStr = { type: ['string', 'null'] } as const;
const time = { type: 'string', format: 'date-time' } as const;

/** Keyset (`nextCursor`) or, with `?page=`, numbered (`total`, `totalExact`, `page`, `limit`). */
const page = (item: object) => ({
  type: 'object',
  required: ['items'],
  properties: { items: { type: 'array', items: item }, nextCursor: nullableStr, ...pageSchemaProperties },
});
const pageParam = { type: 'integer', minimum: 1, description: pageQueryDoc } as const;

export const loginLogQuerySchema = {
  type: 'object',
  properties: {
    username: { type: 'string', maxLength: 64, description: 'exact (case-insensitive)' },
    result: { type: 'string', enum: [...LOGIN_RESULTS] },
    ip: { type: 'string', description: 'the client address' },
    from: { ...time, description: 'at or after' },
    to: { ...time, description: 'before' },
    limit: { type: 'integer', minimum: 1, maximum: 200, default: 50 },
    cursor: str,
    page: pageParam,
  },
} as const;

export const loginLogEntrySchema = {
  type: 'object',
  required: ['id', 'at', 'username', 'result', 'ip'],
  properties: {
    id: { type: 'integer' },
    at: time,
    username: str,
    accountId: { type: ['integer', 'null'] },
    displayName: nullableStr,
    result: { type: 'string', enum: [...LOGIN_RESULTS] },
    ip: str,
    userAgent: nullableStr,
  },
} as const;

export const loginLogPageSchema = page(loginLogEntrySchema);

export const sessionsQuerySchema = {
  type: 'object',
  properties: {
    username: { type: 'string', maxLength: 64, description: 'exact (case-insensitive)' },
    limit: { type: 'integer', minimum: 1, maximum: 200, default: 50 },
    cursor: str,
    page: pageParam,
  },
} as const;

export const sessionSchema = {
  type: 'object',
  required: ['sessionId', 'accountId', 'username', 'startedAt', 'lastSeenAt', 'current', 'canEnd'],
  properties: {
    sessionId: { type: 'string', format: 'uuid' },
    accountId: { type: 'integer' },
    username: str,
    displayName: str,
    role: roleSchema,
    orgName: str,
    startedAt: time,
    lastSeenAt: { ...time, description: 'the latest token of the session (login or refresh)' },
    expiresAt: time,
    ip: nullableStr,
    userAgent: nullableStr,
    current: { type: 'boolean', description: 'the caller’s own session' },
    canEnd: { type: 'boolean', description: 'the caller may end it (its own, or of an account it manages)' },
  },
} as const;

export const sessionsPageSchema = page(sessionSchema);

export const sessionParams = {
  type: 'object',
  required: ['sessionId'],
  properties: { sessionId: { type: 'string', format: 'uuid' } },
} as const;
