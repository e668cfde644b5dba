import type { LoginResult } from '@redheart/shared';
import type { DataSource } from 'typeorm';
import { AuthRepository } from './repository';

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
  private readonly repo: AuthRepository;

  constructor(
    ds: DataSource,
    private readonly days = 180,
  ) {
    this.repo = new AuthRepository(ds.manager);
  }

  /** Writes one attempt, its username and user agent cut to the columns' lengths (64, 400). */
  async record(a: LoginAttempt): Promise<void> {
    await this.repo.insertLoginLog({
      username: a.username.slice(0, 64),
      accountId: a.accountId,
      result: a.result,
      ip: a.ip,
      userAgent: a.userAgent ? a.userAgent.slice(0, 400) : null,
    });
    if (Date.now() >= this.nextPrune) {
      this.nextPrune = Date.now() + 3600_000;
      await this.prune();
    }
  }

  /** Deletes the attempts older than the retention; answers how many. */
  async prune(): Promise<number> {
    return this.repo.pruneLoginLog(this.days);
  }
}
