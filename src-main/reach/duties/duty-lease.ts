import { isDeadLocalOwner } from '../../engine/leases.ts';
import type { Db } from '../../store/db.ts';
import { createDutyLeasesRepo } from './repo.ts';

/**
 * A background duty (sending webhooks, firing schedules) is done by one process at a time, by
 * the rule runs are leased with (`engine/leases.ts`): the holder renews its lease; a lease that
 * ran out, or whose holder is a process on this machine that died, is taken by the next process
 * that asks. Every app and `baton serve` on a data directory asks; one does the duty.
 */
export class DutyLease {
  private readonly leases;
  readonly name: string;
  readonly owner: string;
  private readonly ttlMs: number;
  /** When this process last took or renewed the lease (null: it does not hold it). */
  private renewedAt: number | null = null;

  constructor(db: Db, name: string, owner: string, ttlMs: number) {
    this.name = name;
    this.owner = owner;
    this.ttlMs = ttlMs;
    this.leases = createDutyLeasesRepo(db);
  }

  /**
   * Takes or renews the lease; true when this process holds it until at least `now + 2/3 ttl`.
   * A lease renewed less than a third of its time ago is not written again (no write a second
   * while idle); one that passed that (a process that slept) is renewed, or found lost, first.
   */
  hold(now: number): boolean {
    if (this.renewedAt !== null && now >= this.renewedAt && now - this.renewedAt < this.ttlMs / 3)
      return true;
    this.renewedAt = null;
    const expires = now + this.ttlMs;
    let held = this.leases.take({ name: this.name, owner: this.owner, now, expires });
    if (!held) {
      const holder = this.holder();
      held =
        holder !== null &&
        isDeadLocalOwner(holder) &&
        this.leases.steal({ name: this.name, owner: this.owner, from: holder, expires });
    }
    if (held) this.renewedAt = now;
    return held;
  }

  holder(): string | null {
    return this.leases.holder(this.name);
  }

  /** Lets the lease go (a clean stop), so another process need not wait for it to run out. */
  letGo(): void {
    this.renewedAt = null;
    this.leases.release(this.name, this.owner);
  }
}
