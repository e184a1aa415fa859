import { isDeadLocalOwner } from '../../engine/leases.ts';
import type { Db } from '../../store/db.ts';

/**
 * A background duty (sending webhooks, firing schedules) is done by one process at a time, by
 * the rule runs are leased with (`engine/leases.ts`): the holder renews its lease; a lease that
 * ran out, or whose holder is a process on this machine that died, is taken by the next process
 * that asks. Every app and `baton serve` on a data directory asks; one does the duty.
 */
export class DutyLease {
  private readonly take;
  private readonly steal;
  private readonly ownerOf;
  private readonly release;
  readonly name: string;
  readonly owner: string;
  private readonly ttlMs: number;
  /** When this process last took or renewed the lease (null: it does not hold it). */
  private renewedAt: number | null = null;

  constructor(db: Db, name: string, owner: string, ttlMs: number) {
    this.name = name;
    this.owner = owner;
    this.ttlMs = ttlMs;
    this.take =
      db.prepare(`INSERT INTO reach_leases (name, owner, expires_at) VALUES (@name, @owner, @expires)
      ON CONFLICT (name) DO UPDATE SET owner = @owner, expires_at = @expires
      WHERE reach_leases.owner = @owner OR reach_leases.expires_at < @now`);
    this.steal = db.prepare(
      'UPDATE reach_leases SET owner = @owner, expires_at = @expires WHERE name = @name AND owner = @from',
    );
    this.ownerOf = db
      .prepare<[string], { owner: string }>('SELECT owner FROM reach_leases WHERE name = ?')
      .pluck();
    this.release = db.prepare('DELETE FROM reach_leases WHERE name = ? AND owner = ?');
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
    let held = this.take.run({ name: this.name, owner: this.owner, now, expires }).changes > 0;
    if (!held) {
      const holder = this.holder();
      held =
        holder !== null &&
        isDeadLocalOwner(holder) &&
        this.steal.run({ name: this.name, owner: this.owner, from: holder, expires }).changes > 0;
    }
    if (held) this.renewedAt = now;
    return held;
  }

  holder(): string | null {
    return (this.ownerOf.get(this.name) as string | undefined) ?? null;
  }

  /** Lets the lease go (a clean stop), so another process need not wait for it to run out. */
  letGo(): void {
    this.renewedAt = null;
    this.release.run(this.name, this.owner);
  }
}
