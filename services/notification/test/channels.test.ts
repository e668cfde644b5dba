import request from 'supertest';
import { startTestApp, workerTestDatabaseUrl } from '@redheart/shared';
import { buildApp } from '../src/app';
import { createNotifyDataSource, migrateNotify } from '../src/data-source';
import { createChannels, parseChannelNames } from '../src/modules/notifications/channel';
import { loadConfig } from '../src/config';
import { event } from './helper';

// The pluggable outbound channel: NOTIFY_CHANNELS names the transports (default: the logging one),
// each notification is handed to them after it committed; the rules know nothing of them.
describe('NOTIFY_CHANNELS', () => {
  test('defaults to the logging transport; an unknown name is refused, naming it', () => {
    expect(parseChannelNames(undefined)).toEqual(['log']);
    expect(parseChannelNames(' log , log ')).toEqual(['log']);
    expect(() => parseChannelNames('log,sms')).toThrow(/NOTIFY_CHANNELS.*sms/);
    const env = { JWT_PUBLIC_KEY: 'k', INTERNAL_TOKEN: 'x', NOTIFY_DB_PASSWORD: 'p', DATABASE_URL: 'postgres://u@127.0.0.1/db' };
    expect(loadConfig(env).channels).toEqual(['log']);
    expect(() => loadConfig({ ...env, NOTIFY_CHANNELS: 'wechat' })).toThrow(/wechat/);
  });

  test('the logging transport receives each delivery once, after the notification committed', async () => {
    const lines: { obj: Record<string, unknown>; msg: string }[] = [];
    const t = await startTestApp({
      url: workerTestDatabaseUrl('notify'),
      service: 'notify',
      create: createNotifyDataSource,
      migrate: migrateNotify,
      poolSize: 4,
      build: (dataSource, keys) =>
        buildApp({ publicKey: keys.publicKey, dataSource, events: { internalToken: 'test-internal-token' }, channels: createChannels(parseChannelNames('log'), { log: (obj, msg) => void lines.push({ obj: obj as Record<string, unknown>, msg }) }) }),
    });
    try {
      const e = event('household.case.approved', { caseId: 77, caseNo: 'HJ2026-000077', communityId: 7, communityName: '龙腾社区党委', createdBy: '4', actorId: '3' });
      await request(t.app.server).post('/api/notify/internal/events').set('x-internal-token', 'test-internal-token').send({ events: [e] }).expect(200);
      await request(t.app.server).post('/api/notify/internal/events').set('x-internal-token', 'test-internal-token').send({ events: [e] }).expect(200);
      const [row] = await t.ds.query(`SELECT id FROM notification WHERE event_id = $1`, [e.id]);
      while (!lines.length) await new Promise((r) => setTimeout(r, 20));
      expect(lines).toEqual([{ obj: expect.objectContaining({ notification: Number(row.id), kind: 'case_approved', account: '4' }), msg: 'notification sent (logging channel)' }]);
    } finally {
      await t.close();
    }
  });
});
