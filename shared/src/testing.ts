import { sign } from 'node:crypto';
import { type AuthUser, TOKEN_AUDIENCE, TOKEN_ISSUER } from './auth';

/**
 * Signs an ES256 access token exactly as the org service does (for tests and benches of the
 * services that only verify). Never used by a running service.
 */
export function signTestToken(privateKey: string, user: AuthUser, opts: { expiresIn?: number } = {}): string {
  const now = Math.floor(Date.now() / 1000);
  const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const data = `${b64({ alg: 'ES256', typ: 'JWT' })}.${b64({ ...user, iss: TOKEN_ISSUER, aud: TOKEN_AUDIENCE, iat: now, exp: now + (opts.expiresIn ?? 900) })}`;
  return `${data}.${sign('sha256', Buffer.from(data), { key: privateKey, dsaEncoding: 'ieee-p1363' }).toString('base64url')}`;
}
