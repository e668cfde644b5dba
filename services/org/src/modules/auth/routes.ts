import type { FastifyInstance, FastifyReply } from 'fastify';
import { IsString, Length } from 'class-validator';
import rateLimit from '@fastify/rate-limit';
import { ACCESS_TOKEN_TTL_SECONDS, parseDto } from '@redheart/shared';
import { AuthService, type Session } from './service';
import { ChangePasswordDto } from '../accounts/dto';
import { errorSchema, userSchema } from '../schemas';

class LoginDto {
  @IsString() @Length(1, 64) username: string;
  @IsString() @Length(1, 256) password: string;
}

export const REFRESH_COOKIE = 'rh_refresh';
const COOKIE_PATH = '/api/auth';

export interface AuthRoutesOptions {
  refreshTokenDays: number;
  secureCookies: boolean;
  loginRateLimit: { max: number; timeWindow: string };
  lockout: { maxFailures: number; minutes: number };
}

const sessionResponse = {
  200: {
    type: 'object',
    required: ['accessToken', 'expiresIn', 'user'],
    properties: { accessToken: { type: 'string' }, expiresIn: { type: 'integer' }, user: userSchema },
  },
};

export default async function authRoutes(app: FastifyInstance, opts: AuthRoutesOptions) {
  const service = new AuthService(app.db, {
    refreshTokenDays: opts.refreshTokenDays,
    maxFailures: opts.lockout.maxFailures,
    lockMinutes: opts.lockout.minutes,
  });

  const send = async (reply: FastifyReply, s: Session) => {
    const accessToken = await reply.jwtSign({ ...s.claims });
    reply.setCookie(REFRESH_COOKIE, s.refreshToken, {
      path: COOKIE_PATH,
      httpOnly: true,
      sameSite: 'strict',
      secure: opts.secureCookies,
      expires: s.refreshExpiresAt,
    });
    return { accessToken, expiresIn: ACCESS_TOKEN_TTL_SECONDS, user: s.user };
  };

  await app.register(async (limited) => {
    await limited.register(rateLimit, {
      max: opts.loginRateLimit.max,
      timeWindow: opts.loginRateLimit.timeWindow,
      // Counted once the body is parsed (the default onRequest hook runs before it), so the key really is
      // the client and the username: one person's typos do not lock everyone behind the same address out.
      hook: 'preHandler',
      keyGenerator: (req) => `${req.ip}|${String((req.body as { username?: unknown } | undefined)?.username ?? '').toLowerCase()}`,
      errorResponseBuilder: (_req, ctx) => ({
        statusCode: 429,
        code: 'RATE_LIMITED',
        message: `Too many login attempts; retry in ${Math.ceil(ctx.ttl / 1000)} s`,
      }),
    });
    limited.post('/api/auth/login', {
      schema: { tags: ['auth'], summary: 'Log in with username and password', response: sessionResponse },
      handler: async (req, reply) => {
        const dto = await parseDto(LoginDto, req.body);
        return send(reply, await service.login(dto.username, dto.password));
      },
    });
  });

  app.post('/api/auth/refresh', {
    schema: { tags: ['auth'], summary: 'Rotate the refresh cookie and get a new access token', response: { ...sessionResponse, 401: errorSchema } },
    handler: async (req, reply) => {
      const token = req.cookies[REFRESH_COOKIE];
      if (!token) {
        reply.status(401);
        return reply.send({ statusCode: 401, code: 'NO_REFRESH', message: 'No refresh token' });
      }
      return send(reply, await service.refresh(token));
    },
  });

  app.post('/api/auth/logout', {
    schema: { tags: ['auth'], summary: 'Revoke the refresh token family', response: { 204: { type: 'null' } } },
    handler: async (req, reply) => {
      await service.logout(req.cookies[REFRESH_COOKIE]);
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
      response: sessionResponse,
    },
    handler: async (req, reply) => {
      const dto = await parseDto(ChangePasswordDto, req.body);
      return send(reply, await service.changePassword(req.user, dto.currentPassword, dto.newPassword, req.cookies[REFRESH_COOKIE], req.id));
    },
  });

  app.get('/api/auth/me', {
    onRequest: [app.authenticate],
    config: { allowPendingPasswordChange: true },
    schema: { tags: ['auth'], summary: 'The logged-in user', response: { 200: userSchema } },
    handler: async (req) => service.publicUser(Number(req.user.sub)),
  });
}
