import { badRequest } from './errors';

/** Keyset cursor over (timestamp, id) descending: opaque to clients, checked on the way back in. */
export function encodeCursor(at: Date, id: number): string {
  return Buffer.from(JSON.stringify([at.toISOString(), id])).toString('base64url');
}

export function decodeCursor(cursor: string): [string, number] {
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(v) && typeof v[0] === 'string' && !Number.isNaN(Date.parse(v[0])) && Number.isSafeInteger(v[1])) return [v[0], v[1]];
  } catch {
    /* fall through */
  }
  throw badRequest('cursor is not valid', [{ field: 'cursor', errors: ['malformed'] }], 'VALIDATION_FAILED');
}
