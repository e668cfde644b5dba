import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ACCESS_TOKEN_TTL_SECONDS, parseDto, NO_BODY } from '@redheart/shared';
import { AuthService, type Session } from './service';
import { LoginLog } from './login-log';
import { LoginThrottle, type ThrottleOptions } from './throttle';
import { ChangePasswordDto } from '../accounts/dto';
import { errorSchema } from '../schemas';
import { LoginDto } from './dto';
import { sessionResponse, userSchema } from './schemas';

export const REFRESH_COOKIE = 'rh_refresh';
const COOKIE_PATH = '/api/auth';

export interface AuthRoutesOptions {
  refreshTokenDays: number;
  /** `Secure` on the refresh cookie always; otherwise only when the request came over TLS (X-Forwarded-Proto from the gateway). */
  secureCookies: boolean;
  loginThrottle: ThrottleOptions;
  /** Days the login log keeps an attempt. */
  loginLogDays?: number;
  /** After a transaction that ended sessions committed. */
  onSessionsEnded?: () => Promise<void>;
}

export default async function authRoutes(app: FastifyInstance, opts: AuthRoutesOptions) {
  const service = new AuthService(app.db, {
    refreshTokenDays: opts.refreshTokenDays,
    throttle: new LoginThrottle(app.db, opts.loginThrottle),
    loginLog: new LoginLog(app.db, opts.loginLogDays),
    onSessionsEnded: opts.onSessionsEnded,
  });
  // The service trusts X-Forwarded-Proto: it is reachable only through the gateway, which sets it
  // to what it saw itself (https only behind a trusted TLS proxy, or on its own TLS socket).
  const secure = (req: FastifyRequest) => opts.secureCookies || req.protocol === 'https';

  const send = async (req: FastifyRequest, reply: FastifyReply, s: Session) => {
    const accessToken = await reply.jwtSign({ ...s.claims });
    reply.setCookie(REFRESH_COOKIE, s.refreshToken, {
      path: COOKIE_PATH,
      httpOnly: true,
      sameSite: 'strict',
      secure: secure(req),
      expires: s.refreshExpiresAt,
    });
    return { accessToken, expiresIn: ACCESS_TOKEN_TTL_SECONDS, user: s.user };
  };

  app.post('/api/auth/login', {
    schema: {
      tags: ['auth'],
      summary: 'Log in with username and password; too many failures from one address → 429 LOGIN_RATE_LIMITED, of one username from one address → 429 LOGIN_LOCKED (both with Retry-After)',
      response: sessionResponse, dto: { body: LoginDto }
    },
    handler: async (req, reply) => {
      const dto = await parseDto(LoginDto, req.body);
      return send(req, reply, await service.login(dto.username, dto.password, req.ip, req.headers['user-agent']));
    },
  });

  app.post('/api/auth/refresh', {
    schema: { tags: ['auth'], summary: 'Rotate the refresh cookie and get a new access token', response: { ...sessionResponse, 401: errorSchema }, dto: { body: NO_BODY } },
    handler: async (req, reply) => {
      const token = req.cookies[REFRESH_COOKIE];
      if (!token) {
        reply.status(401);
        return reply.send({ statusCode: 401, code: 'NO_REFRESH', message: 'No refresh token' });
      }
      return send(req, reply, await service.refresh(token, { ip: req.ip, userAgent: req.headers['user-agent'] }));
    },
  });

  app.post('/api/auth/logout', {
    schema: { tags: ['auth'], summary: 'End the session of the refresh cookie (its access tokens are refused everywhere within a second)', response: { 204: { type: 'null' } }, dto: { body: NO_BODY } },
    handler: async (req, reply) => {
      await service.logout(req.cookies[REFRESH_COOKIE]);
      reply.clearCookie(REFRESH_COOKIE, { path: COOKIE_PATH });
      return reply.status(204).send();
    },
  });

  app.post('/api/auth/logout-everywhere', {
    onRequest: [app.authenticate],
    config: { allowPendingPasswordChange: true },
    schema: { tags: ['auth'], summary: 'End every session of your account, this one included', response: { 204: { type: 'null' } }, dto: { body: NO_BODY } },
    handler: async (req, reply) => {
      await service.logoutEverywhere(req.user, req.id);
      reply.clearCookie(REFRESH_COOKIE, { path: COOKIE_PATH });
      return reply.status(204).send();
    },
  });

  app.post('/api/auth/password', {
    onRequest: [app.authenticate],
    config: { allowPendingPasswordChange: true },
    schema: {
      tags: ['auth'],
      summary: 'Change your own password {currentPassword, newPassword}: 10–128 characters, a letter and a digit, not the username; answers a fresh session like login, other sessions end',
      response: sessionResponse, dto: { body: ChangePasswordDto }
    },
    handler: async (req, reply) => {
      const dto = await parseDto(ChangePasswordDto, req.body);
      return send(req, reply, await service.changePassword(req.user, dto.currentPassword, dto.newPassword, req.cookies[REFRESH_COOKIE], req.ip, req.id));
    },
  });

  app.get('/api/auth/me', {
    onRequest: [app.authenticate],
    config: { allowPendingPasswordChange: true },
    schema: { tags: ['auth'], summary: 'The logged-in user', response: { 200: userSchema } },
    handler: async (req) => service.publicUser(Number(req.user.sub)),
  });
}
