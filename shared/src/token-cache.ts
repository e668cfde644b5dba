import { createHash } from 'node:crypto';

/**
 * What a verified token said, remembered until the token expires: a small LRU keyed by the SHA-256
 * of the raw token (so no bearer token is kept in memory, and keys are short). Bounded: when full,
 * the least recently used entry goes. An entry is never returned at or after its `exp`.
 * Only a token that passed verification is put here; the caller still runs every per-request check
 * (ended sessions, one-time passwords) on a hit.
 */
export class TokenCache<V> {
  // A Map iterates in insertion order: a hit is moved to the end, so the first key is the least recently used.
  private readonly entries = new Map<string, { value: V; expMs: number }>();

  constructor(
    readonly maxEntries = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  static keyOf(token: string): string {
    return createHash('sha256').update(token).digest('base64');
  }

  get size(): number {
    return this.entries.size;
  }

  /** The value remembered for `token`, unless it is unknown or expired (an expired entry is dropped). */
  get(token: string): V | undefined {
    if (this.maxEntries <= 0) return undefined;
    const key = TokenCache.keyOf(token);
    const e = this.entries.get(key);
    if (!e) return undefined;
    this.entries.delete(key);
    if (e.expMs <= this.now()) return undefined;
    this.entries.set(key, e);
    return e.value;
  }

  /** Remembers `value` for `token` until `expSeconds` (the token's `exp`, seconds since the epoch). */
  set(token: string, value: V, expSeconds: number): void {
    const expMs = expSeconds * 1000;
    if (this.maxEntries <= 0 || !Number.isFinite(expMs) || expMs <= this.now()) return;
    const key = TokenCache.keyOf(token);
    this.entries.delete(key);
    while (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
    this.entries.set(key, { value, expMs });
  }

  clear(): void {
    this.entries.clear();
  }
}
