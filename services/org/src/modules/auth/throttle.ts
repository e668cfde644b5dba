import type { DataSource } from 'typeorm';
import { AppError } from '@redheart/shared';
import { AuthRepository } from './repository';

export interface ThrottleOptions {
  /** Failed logins from one address (any usernames) within the window before it must wait (429 LOGIN_RATE_LIMITED). */
  addressMaxFailures: number;
  /** Failed logins of one username from one address before that pair is locked (429 LOGIN_LOCKED). */
  maxFailures: number;
}

/** The window in which an address's failures count. */
export const FAILURE_WINDOW_SECONDS = 15 * 60;
/** A pair's first lock; each later failure doubles it, up to the maximum. */
export const LOCK_BASE_SECONDS = 60;
export const LOCK_MAX_SECONDS = 15 * 60;
/** A pair with no failure for this long starts afresh (no count, no growing delay). */
const PAIR_QUIET_SECONDS = 60 * 60;

/** 429 with Retry-After, and the wait in `params.seconds` (the SPA says it in the user's language). */
const retryLater = (code: string, message: string, seconds: number) => {
  const wait = Math.max(1, Math.ceil(seconds));
  return new AppError(429, code, message, undefined, { 'retry-after': String(wait) }, { seconds: wait });
};

/**
 * Login abuse, counted in the database (so every org process shares it and a restart forgets nothing):
 * - spraying: every failure from an address counts, whatever the username; at `addressMaxFailures`
 *   within 15 minutes the address waits until the oldest of them ages out;
 * - guessing: `maxFailures` wrong passwords for one username from one address lock that pair for
 *   60 s, and every further failure of the pair locks it again for twice as long (up to 15 minutes).
 *   The lock is the pair's, not the account's: the real user at another address still logs in.
 */
export class LoginThrottle {
  private nextPrune = 0;
  private readonly repo: AuthRepository;

  constructor(
    private readonly ds: DataSource,
    private readonly opts: ThrottleOptions,
  ) {
    this.repo = new AuthRepository(ds.manager);
  }

  /** Refuses (429 with Retry-After) an address over its budget or a locked pair; checked before the password. */
  async check(username: string, address: string): Promise<void> {
    const r = await this.repo.throttleState(address, username, FAILURE_WINDOW_SECONDS, Math.max(this.opts.addressMaxFailures - 1, 0));
    if (r.n >= this.opts.addressMaxFailures && r.addressWait !== null) {
      throw retryLater('LOGIN_RATE_LIMITED', `登录失败次数过多，请 ${Math.ceil(r.addressWait)} 秒后再试`, r.addressWait);
    }
    if (r.lockWait !== null) {
      throw retryLater('LOGIN_LOCKED', `该账号在此地址连续登录失败，已暂时锁定，请 ${Math.ceil(r.lockWait)} 秒后再试`, r.lockWait);
    }
  }

  /** A wrong password (or unknown username): counts for the address and for the pair, which it may lock. */
  async failure(username: string, address: string): Promise<void> {
    await this.ds.transaction(async (m) => {
      const repo = this.repo.with(m);
      await repo.insertFailure(username, address);
      const pair = await repo.pairForUpdate(username, address, PAIR_QUIET_SECONDS);
      let { failures, level } = pair;
      if (pair.quiet) [failures, level] = [0, 0];
      failures += 1;
      let lockSeconds: number | null = null;
      if (level > 0 || failures >= this.opts.maxFailures) {
        level += 1;
        failures = 0;
        lockSeconds = Math.min(LOCK_BASE_SECONDS * 2 ** Math.min(level - 1, 20), LOCK_MAX_SECONDS);
      }
      await repo.updatePair(username, address, failures, level, lockSeconds);
    });
    await this.prune();
  }

  /** A correct password: the pair starts afresh (the address's count stays: one good account must not clear a spray). */
  async success(username: string, address: string): Promise<void> {
    await this.repo.deletePair(username, address);
  }

  /** Forgets failures older than a day and quiet pairs, at most once a minute. */
  private async prune(): Promise<void> {
    if (Date.now() < this.nextPrune) return;
    this.nextPrune = Date.now() + 60_000;
    await this.repo.pruneThrottle();
  }
}
