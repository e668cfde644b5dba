import type { MigrationInterface, QueryRunner } from 'typeorm';
import { AUDIT_CHAIN_LOCK, AUDIT_GENESIS_HASH } from './audit';

/**
 * The audit chain linked at COMMIT instead of at INSERT (issue 12, target 3). chainAuditTable's BEFORE INSERT trigger
 * takes the chain's advisory lock when the entry is inserted and holds it to the end of the transaction: every audited
 * write of a service then waits, behind the one holding the lock, for that transaction's remaining statements and its
 * round trips to the service (measured on the per-request bench: 3–4 of 8 sessions waiting on the advisory lock,
 * 2–3 idle in transaction, writes serialised at the service's round-trip time). Here the entry is inserted unlinked
 * (seq, prev_hash and hash NULL) and a DEFERRABLE INITIALLY DEFERRED constraint trigger of the same name,
 * `audit_entry_chain`, links it as the transaction commits: it takes the same lock, reads the chain's end and sets
 * seq, prev_hash and hash exactly as the BEFORE trigger did. The lock is held only from there to the commit's end
 * (the WAL flush), with no round trip to the client inside it.
 *
 * What stays true: a committed entry is always linked (the link runs in the committing transaction; if it fails, the
 * commit fails); links are made under the lock, after the previous holder committed (READ COMMITTED: the trigger's
 * read takes a fresh snapshot), so the chain is one line with no fork (seq stays UNIQUE); an entry rolled back never
 * takes a position. The entry is unlinked (NULL) only inside its own transaction, so the RETURNING of the INSERT
 * shows seq NULL (the audit event's `seq` is then null, as the event type allows). The link is one UPDATE of the
 * new row by a SECURITY DEFINER function of the table's owner (the services' roles have no UPDATE on audit_entry);
 * the append-only guard lets exactly that update through: from an unlinked row, only the three chain columns
 * changed, from inside a trigger.
 */
export async function chainAuditAtCommit(q: QueryRunner): Promise<void> {
  await q.query(`DROP TRIGGER audit_entry_chain ON audit_entry`);
  await q.query(`ALTER TABLE audit_entry ALTER seq DROP NOT NULL, ALTER prev_hash DROP NOT NULL, ALTER hash DROP NOT NULL`);
  await q.query(`
    CREATE FUNCTION audit_entry_link_at_commit() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
    DECLARE last record; e audit_entry := NEW;
    BEGIN
      PERFORM pg_advisory_xact_lock(${AUDIT_CHAIN_LOCK});
      SELECT seq, hash INTO last FROM audit_entry WHERE seq IS NOT NULL ORDER BY seq DESC LIMIT 1;
      e.seq := coalesce(last.seq, 0) + 1;
      e.prev_hash := coalesce(last.hash, '${AUDIT_GENESIS_HASH}');
      UPDATE audit_entry SET seq = e.seq, prev_hash = e.prev_hash, hash = audit_entry_link(e, e.prev_hash) WHERE id = NEW.id AND seq IS NULL;
      RETURN NULL;
    END $$`);
  await q.query(`REVOKE ALL ON FUNCTION audit_entry_link_at_commit() FROM PUBLIC`);
  await q.query(`CREATE CONSTRAINT TRIGGER audit_entry_chain AFTER INSERT ON audit_entry DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION audit_entry_link_at_commit()`);
  await q.query(`
    CREATE FUNCTION audit_entry_guard() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'UPDATE' AND OLD.seq IS NULL AND NEW.seq IS NOT NULL AND pg_trigger_depth() > 1
         AND to_jsonb(OLD) - '{seq,prev_hash,hash}'::text[] = to_jsonb(NEW) - '{seq,prev_hash,hash}'::text[] THEN
        RETURN NEW;
      END IF;
      RAISE EXCEPTION 'audit_entry is append-only' USING ERRCODE = 'insufficient_privilege';
    END $$`);
  await q.query(`DROP TRIGGER audit_entry_no_change ON audit_entry`);
  await q.query(`CREATE TRIGGER audit_entry_no_change BEFORE UPDATE OR DELETE ON audit_entry FOR EACH ROW EXECUTE FUNCTION audit_entry_guard()`);
}

/** Back to chainAuditTable's BEFORE INSERT trigger (every entry is linked once committed, so NOT NULL holds again). */
export async function unchainAuditAtCommit(q: QueryRunner): Promise<void> {
  await q.query(`DROP TRIGGER audit_entry_no_change ON audit_entry`);
  await q.query(`CREATE TRIGGER audit_entry_no_change BEFORE UPDATE OR DELETE ON audit_entry FOR EACH ROW EXECUTE FUNCTION audit_entry_append_only()`);
  await q.query(`DROP FUNCTION audit_entry_guard()`);
  await q.query(`DROP TRIGGER audit_entry_chain ON audit_entry`);
  await q.query(`DROP FUNCTION audit_entry_link_at_commit()`);
  await q.query(`ALTER TABLE audit_entry ALTER seq SET NOT NULL, ALTER prev_hash SET NOT NULL, ALTER hash SET NOT NULL`);
  await q.query(`CREATE TRIGGER audit_entry_chain BEFORE INSERT ON audit_entry FOR EACH ROW EXECUTE FUNCTION audit_entry_chain()`);
}

/** The migration (the same in every service with an audit chain: org, household, volunteer, notification). */
export class AuditChainAtCommit1766200000007 implements MigrationInterface {
  name = 'AuditChainAtCommit1766200000007';

  async up(queryRunner: QueryRunner): Promise<void> {
    await chainAuditAtCommit(queryRunner);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await unchainAuditAtCommit(queryRunner);
  }
}
