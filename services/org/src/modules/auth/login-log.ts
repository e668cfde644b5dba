import type { LoginResult } from '@redheart/shared';
import type { DataSource } from 'typeorm';

/** What became of a login attempt (登录日志). */
export { LOGIN_RESULTS, type LoginResult } from '@redheart/shared';

export interface LoginAttempt {
  username: string;
  accountId: number | null;
  result: LoginResult;
  ip: string;
  userAgent: string | undefined;
}

/**
 * Writes every login attempt, whatever its outcome, and forgets those older than `days` (at most
 * once an hour, after a write: no separate timer to run or to stop).
 */
export class LoginLog {
  private nextPrune = 0;

  constructor(
    private readonly ds: DataSource,
    private readonly days = 180,
  ) {}

  async record(a: LoginAttempt): Promise<void> {
    await this.ds.query(`INSERT INTO login_log (username, account_id, result, ip, user_agent) VALUES ($1, $2, $3, $4, $5)`, [
      a.username.slice(0, 64),
      a.accountId,
      a.result,
      a.ip,
      a.userAgent ? a.userAgent.slice(0, 400) : null,
    ]);
    if (Date.now() >= this.nextPrune) {
      this.nextPrune = Date.now() + 3600_000;
      await this.prune();
    }
  }

  /** Deletes the attempts older than the retention; answers how many. */
  async prune(): Promise<number> {
    const rows: { n: number }[] = await this.ds.query(
      `WITH d AS (DELETE FROM login_log WHERE at < now() - make_interval(days => $1) RETURNING 1) SELECT count(*)::int AS n FROM d`,
      [this.days],
    );
    return rows[0].n;
  }
}
