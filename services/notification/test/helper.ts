import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { type AuthUser, type EventEnvelope, startTestApp, type TestApp, TEST_USERS, testTokens, workerTestDatabaseUrl } from '@redheart/shared';
import { buildApp } from '../src/app';
import type { AddressedCount } from '../src/modules/announcements/service';
import { createNotifyDataSource, migrateNotify } from '../src/data-source';
import type { Addressed } from '../src/modules/notifications/rules';

export const USERS: Record<string, AuthUser> = {
  ...TEST_USERS,
  /** 翠屏街道 (2): above 翠亭 (5), not above 龙腾 (7). */
  streetCuiping: { sub: '13', username: 'street.cuiping', role: 'street_admin', orgId: 2, scopePaths: ['/1/2/'] },
  /** Another clerk of 龙腾 (not the one who opened the case). */
  clerk2: { sub: '15', username: 'worker.01', role: 'community_clerk', orgId: 7, scopePaths: ['/1/3/7/'] },
  /** The staff of another work unit (12). */
  unitOther: { sub: '14', username: 'jiaoyu.staff', role: 'unit_staff', orgId: 12, scopePaths: ['/1/12/'] },
  secretaryWanda: { sub: '16', username: 'secretary.wanda', role: 'community_secretary', orgId: 8, scopePaths: ['/1/3/8/'] },
};

export interface NotifyTest extends TestApp<FastifyInstance> {
  token: (who: keyof typeof USERS) => string;
  /** What the outbound channel was handed. */
  sent: (Addressed & { id: number })[];
}

export async function setup(opts: { stream?: { heartbeatMs?: number; ticketTtlSeconds?: number }; addressedCount?: AddressedCount } = {}): Promise<NotifyTest> {
  const sent: (Addressed & { id: number })[] = [];
  const t = await startTestApp({
    url: workerTestDatabaseUrl('notify'),
    service: 'notify',
    create: createNotifyDataSource,
    migrate: migrateNotify,
    poolSize: 10,
    build: (dataSource, keys) => buildApp({ publicKey: keys.publicKey, dataSource, events: { internalToken: 'test-internal-token' }, stream: opts.stream, addressedCount: opts.addressedCount, channels: [{ name: 'test', send: async (n) => void sent.push(n) }] }),
  });
  return { ...t, token: testTokens(t.keys.privateKey, USERS), sent };
}

/** An event as the producing services' outboxes write it (shared/src/events emit + envelopeOf). */
export function event(type: string, payload: Record<string, unknown>, orgPath: string | null = '/1/3/7/', actor: string | null = 'someone'): EventEnvelope {
  return { id: randomUUID(), type, aggregateId: String(payload.caseId ?? payload.itemId ?? payload.reportId ?? 1), orgPath, actor, occurredAt: new Date().toISOString(), payload };
}
