import type { Db } from '../../store/db.ts';

/** Duty leases (migration 008): one row per duty, naming the process that holds it and until when. */
export function createDutyLeasesRepo(db: Db) {
  const take = db.prepare(`INSERT INTO reach_leases (name, owner, expires_at) VALUES (@name, @owner, @expires)
      ON CONFLICT (name) DO UPDATE SET owner = @owner, expires_at = @expires
      WHERE reach_leases.owner = @owner OR reach_leases.expires_at < @now`);
  const steal = db.prepare(
    'UPDATE reach_leases SET owner = @owner, expires_at = @expires WHERE name = @name AND owner = @from',
  );
  const ownerOf = db
    .prepare<[string], { owner: string }>('SELECT owner FROM reach_leases WHERE name = ?')
    .pluck();
  const release = db.prepare('DELETE FROM reach_leases WHERE name = ? AND owner = ?');
  return {
    /** Takes the lease if it is free, ran out by `now`, or is already the owner's; true when taken. */
    take: (l: { name: string; owner: string; now: number; expires: number }): boolean =>
      take.run(l).changes > 0,
    /** Takes the lease from holder `from` (found dead), unless it changed hands meanwhile; true when taken. */
    steal: (l: { name: string; owner: string; from: string; expires: number }): boolean =>
      steal.run(l).changes > 0,
    holder: (name: string): string | null => (ownerOf.get(name) as string | undefined) ?? null,
    release(name: string, owner: string): void {
      release.run(name, owner);
    },
  };
}
