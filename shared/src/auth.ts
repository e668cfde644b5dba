import fp from 'fastify-plugin';
import fastifyJwt from '@fastify/jwt';
// Re-exported so that dependants load @fastify/jwt's request/reply typings with ours.
export type { FastifyJWT, JWT } from '@fastify/jwt';
import type { FastifyRequest } from 'fastify';
import { forbidden, unauthorized } from './errors';
import type { SessionClaims } from './sessions';
import { TokenCache } from './token-cache';

// The roles live with the workflows (browser-safe); re-exported here for the services.
import { ROLES, type Role } from './workflows/roles';
export { ROLES, type Role };

export const TOKEN_ISSUER = 'redheart-org';
export const TOKEN_AUDIENCE = 'redheart-api';
export const TOKEN_ALGORITHM = 'ES256';
export const ACCESS_TOKEN_TTL_SECONDS = 15 * 60;

/** What an access token says about its holder. Scope paths are materialised org paths like `/1/4/17/`. */
export interface AuthUser {
  sub: string;
  username: string;
  role: Role;
  orgId: number;
  /** Paths whose subtrees the user may read; the first is their own organisation's. */
  scopePaths: string[];
  /**
   * Set while the account holds a one-time password (new account, reset): such a token opens only
   * routes marked `config: { allowPendingPasswordChange: true }` (the password change itself, /me).
   */
  mustChangePassword?: true;
  /** The session (refresh-token family) the token belongs to. */
  sid?: string;
  /** The account's session epoch when the token was issued: ending all its sessions raises the epoch. */
  sv?: number;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The route serves a token whose holder must first replace a one-time password. */
    allowPendingPasswordChange?: boolean;
  }
}

declare module '@fastify/jwt' {
  interface FastifyJWT {
    payload: AuthUser;
    user: AuthUser;
  }
}

declare module 'fastify' {
  interface FastifyInstance {
    authenticate: (request: FastifyRequest, reply: FastifyReply) => Promise<void>;
  }
}

export interface AuthPluginOptions {
  publicKey: string;
  /** Only the org service (the identity owner) holds the private key and signs. */
  privateKey?: string;
  /** How many verified tokens to remember until they expire (LRU, 10,000 by default; 0: none). */
  cacheSize?: number;
  /**
   * Ended sessions (see sessions.ts): a token of one is refused with 401 SESSION_ENDED, and a token
   * without `sid`/`sv` claims is refused as invalid. Without it, sessions are not checked.
   */
  revocations?: { isEnded(claims: SessionClaims): boolean };
}

/**
 * Registers @fastify/jwt with the algorithm pinned to ES256 and `exp`, `iss`, `aud` required,
 * so forged, `alg: none`, expired or exp-less tokens are refused (401), never a 500.
 */
export const authPlugin = fp<AuthPluginOptions>(
  async (app, opts) => {
    await app.register(fastifyJwt, {
      secret: opts.privateKey ? { private: opts.privateKey, public: opts.publicKey } : { public: opts.publicKey },
      sign: { algorithm: TOKEN_ALGORITHM, iss: TOKEN_ISSUER, aud: TOKEN_AUDIENCE, expiresIn: ACCESS_TOKEN_TTL_SECONDS },
      verify: {
        algorithms: [TOKEN_ALGORITHM],
        allowedIss: TOKEN_ISSUER,
        allowedAud: TOKEN_AUDIENCE,
        requiredClaims: ['exp', 'iss', 'aud', 'sub'],
      },
    });
    // Verified tokens, until they expire: an ES256 verification costs far more than the rest of a
    // typical request, and every request of a session presents the same token. Keyed by the token's
    // SHA-256, least recently used out; only tokens that passed every check below are remembered.
    const verified = new TokenCache<AuthUser>(opts.cacheSize ?? 10_000);
    const revocations = opts.revocations;
    // After the signature: the session must not have ended, and a one-time password must be replaced first.
    const admit = (request: FastifyRequest) => {
      if (revocations?.isEnded(request.user)) throw unauthorized('登录会话已结束，请重新登录', 'SESSION_ENDED');
      if (request.user.mustChangePassword === true && request.routeOptions.config?.allowPendingPasswordChange !== true) {
        throw forbidden('Change your one-time password first', 'PASSWORD_CHANGE_REQUIRED');
      }
    };
    app.decorate('authenticate', async (request: FastifyRequest) => {
      const header = request.headers.authorization;
      if (!header || !/^Bearer\s+\S+$/i.test(header)) throw unauthorized('Missing bearer token');
      const token = header.slice(header.indexOf(' ') + 1).trim();
      const hit = verified.get(token);
      if (hit) {
        request.user = hit;
        admit(request); // on every request: a remembered token of a session that ended since is refused
        return;
      }
      try {
        await request.jwtVerify();
      } catch {
        throw unauthorized('Invalid or expired token', 'INVALID_TOKEN');
      }
      const u = request.user as Partial<AuthUser> & { exp?: number };
      if (!u || typeof u.role !== 'string' || !ROLES.includes(u.role as Role) || !Array.isArray(u.scopePaths)) {
        throw unauthorized('Token is missing required claims', 'INVALID_TOKEN');
      }
      if (revocations && (typeof u.sid !== 'string' || !Number.isInteger(u.sv))) {
        throw unauthorized('Token is missing required claims', 'INVALID_TOKEN');
      }
      if (typeof u.exp === 'number') verified.set(token, Object.freeze({ ...(u as AuthUser) }), u.exp);
      admit(request);
    });
  },
  { name: 'redheart-auth' },
);

/** True when `path` lies in one of the scope subtrees. Paths are `/id/id/…/` so a prefix test is exact. */
export function inScope(path: string, scopePaths: readonly string[]): boolean {
  return scopePaths.some((p) => path.startsWith(p));
}
