import type { DataSource } from 'typeorm';
import { type AuthUser, badRequest, type CommunityDirectory, inScope, keysetPage, notFound, parseResidentId, type PiiVault, writeAudit } from '@redheart/shared';
import { assertMay, may } from '../../policy';
import type { HouseholdQuery, PersonQuery, PropertyQuery, RevealDto } from './dto';
import type { RegisterRepository } from './repository';

/** The household register's rules: lookups within scope, the household book, and audited reveals of ID numbers. */
export class RegisterService {
  constructor(
    private readonly ds: DataSource,
    private readonly repo: RegisterRepository,
    private readonly vault: PiiVault,
    private readonly communities: CommunityDirectory,
  ) {}

  /** By exact ID number (its keyed hash) or a name prefix; only persons registered in a community in scope are found. */
  async persons(user: AuthUser, q: PersonQuery) {
    if (!q.idNumber && !q.name) throw badRequest('Give idNumber or name', undefined, 'VALIDATION_FAILED');
    const limit = Math.min(q.limit ?? 20, 100);
    if (q.idNumber) {
      const parsed = parseResidentId(q.idNumber);
      if (!parsed.ok) throw badRequest(`idNumber: ${parsed.message}`, [{ field: 'idNumber', errors: [parsed.message] }], 'INVALID_ID_NUMBER');
      return this.repo.findPersons(user.scopePaths, { idHash: this.vault.hash(parsed.info.id) }, limit);
    }
    return this.repo.findPersons(user.scopePaths, { namePrefix: q.name!.trim() }, limit);
  }

  /** The full ID number, with a stated reason written to the access log and the audit trail in one transaction. */
  async reveal(ctx: { user: AuthUser; requestId: string }, id: number, dto: RevealDto) {
    const { user } = ctx;
    return this.ds.transaction(async (m) => {
      const target = await this.repo.revealTarget(m, id);
      if (!target || !inScope(target.path, user.scopePaths)) throw notFound('Person');
      await this.repo.logReveal(m, { personId: id, actorId: user.sub, actorUsername: user.username, actorRole: user.role, reason: dto.reason, communityId: target.communityId });
      await writeAudit(m, { actor: user, action: 'person.reveal_id', entityType: 'person', entityId: id, reason: dto.reason, requestId: ctx.requestId });
      return { id, idNumber: this.vault.decrypt(target.cipher) };
    });
  }

  /** A street admin reads the reveals of its own streets' communities; the county's admin all of them. */
  async revealLog(user: AuthUser) {
    assertMay(user, 'readRevealLog');
    const rows = await this.repo.revealLog(may(user, 'readEveryReveal') ? null : user.scopePaths);
    return rows.map((r) => ({ ...r, at: new Date(r.at).toISOString() }));
  }

  async households(user: AuthUser, q: HouseholdQuery) {
    const communityId = q.communityId ? (await this.communities.visible(this.ds.manager, user, q.communityId)).id : undefined;
    const limit = Math.min(q.limit ?? 50, 200);
    const rows = await this.repo.households(user.scopePaths, { communityId, kind: q.kind, q: q.q ? q.q.trim() : undefined, after: q.after }, limit + 1);
    const { page, next } = keysetPage(rows, limit);
    return { items: page, nextAfter: next ? next.id : null };
  }

  /** The household book (户口簿): current members and past ones. */
  async household(user: AuthUser, id: number) {
    const h = await this.repo.household(id);
    if (!h || !inScope(h.path, user.scopePaths)) throw notFound('Household');
    const members = await this.repo.members(id);
    const { path: _p, ...rest } = h;
    void _p;
    const current = members.filter((x) => x.status === 'active');
    return { ...rest, members: current.length, current, past: members.filter((x) => x.status === 'ended') };
  }

  async properties(user: AuthUser, q: PropertyQuery) {
    const communityId = q.communityId ? (await this.communities.visible(this.ds.manager, user, q.communityId)).id : undefined;
    return this.repo.properties(user.scopePaths, { certificateNo: q.certificateNo ? q.certificateNo.trim() : undefined, communityId }, Math.min(q.limit ?? 50, 200));
  }
}
