import request from 'supertest';
import type { AuthUser } from '@redheart/shared';
import type { TestContext } from './helper';
import { USERS } from './helper';

/** One of the fixture's users, or any other token holder. */
export type Who = keyof typeof USERS | AuthUser;
type Body = Record<string, unknown>;

/** Requests as the API's users: auth headers, reporting and publishing an item, transitions in a row. */
export function client(t: TestContext) {
  const api = () => request(t.app.server);
  const as = (who: Who) => ({ Authorization: `Bearer ${typeof who === 'string' ? t.token(who) : t.sign(who)}` });
  const act = (id: number, body: Body, who: Who, headers: Record<string, string> = {}) =>
    api().post(`/api/volunteer/items/${id}/transitions`).set(as(who)).set(headers).send(body);

  async function report(over: Body = {}, who: Who = 'grid') {
    const r = await api().post('/api/volunteer/items').set(as(who))
      .send({ categoryId: t.category, place: `龙腾花园${Math.floor(Math.random() * 1e6)}号楼`, description: '楼道照明损坏，老人夜间出行不便', ...over });
    if (r.status !== 201) throw new Error(`report failed ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  }

  /** Transitions one after another (each with the version the last answer gave); each must answer 200. */
  async function run(item: { id: number; version: number }, steps: [Body, Who][]) {
    let cur = item;
    for (const [body, who] of steps) {
      const r = await act(cur.id, { version: cur.version, ...body }, who);
      if (r.status !== 200) throw new Error(`${String(body.action)} by ${typeof who === 'string' ? who : who.username} failed ${r.status} ${JSON.stringify(r.body)}`);
      cur = r.body;
    }
    return cur as { id: number; version: number; status: string; checkinCode: string | null; scheduledDate: string | null } & Body;
  }

  async function published(over: Body = {}, reportOver: Body = {}) {
    return run(await report(reportOver), [[{ action: 'publish', ...over }, 'clerk']]);
  }

  return { api, as, act, report, run, published };
}
