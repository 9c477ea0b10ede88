/**
 * Serialises model runs (ORT sessions must not run concurrently) and lets the
 * latest request on a channel win: when a reader types fast, requests that
 * were overtaken before their turn never run, and results overtaken during
 * their run are dropped.
 */

/** What a superseded request resolves to. */
export const STALE: unique symbol = Symbol('stale');

/** A serial queue with per-channel latest-wins requests. */
export class RunQueue {
  private tail: Promise<unknown> = Promise.resolve();
  private readonly generation = new Map<string, number>();
  private running = 0;

  /** Runs `job` after every job queued before it; never two at once. */
  enqueue<T>(job: () => Promise<T>): Promise<T> {
    const result = this.tail.then(async () => {
      this.running++;
      try {
        return await job();
      } finally {
        this.running--;
      }
    });
    this.tail = result.catch(() => undefined);
    return result;
  }

  /**
   * Queues `job` on `channel`, superseding any earlier request there. Resolves
   * to the job's value if no newer request came on the channel before it
   * finished, else to `STALE` (and the job is skipped if it had not started).
   */
  latest<T>(channel: string, job: () => Promise<T>): Promise<T | typeof STALE> {
    const mine = (this.generation.get(channel) ?? 0) + 1;
    this.generation.set(channel, mine);
    const current = () => this.generation.get(channel) === mine;
    return this.enqueue(async () => {
      if (!current()) return STALE;
      const value = await job();
      return current() ? value : STALE;
    });
  }

  /** Number of jobs running right now (0 or 1). */
  get active(): number {
    return this.running;
  }
}
