import type { WorkerToken } from '../../src-shared/schemas/worker-token.ts';
import type { Db } from '../store/db.ts';

/** A worker token as stored: what is shown, and the SHA-256 of the token. */
export interface WorkerTokenRow extends WorkerToken {
  token_hash: string;
}

/** The live tokens bound to worker `@worker_id`, other than token `@id`. */
const LIVE_HOLDER =
  'SELECT * FROM worker_tokens WHERE worker_id = @worker_id AND revoked_at IS NULL AND id <> @id';

/** Worker tokens (migrations 012 and 014): only the hash of each token is kept; a revoked one keeps its row. */
export function createWorkerTokensRepo(db: Db) {
  // A token made for a worker is stored only while no other live token is bound to it.
  const insert = db.prepare(
    `INSERT INTO worker_tokens (id, name, token_hash, created_at, worker_id)
      SELECT @id, @name, @token_hash, @created_at, @worker_id
      WHERE @worker_id IS NULL OR NOT EXISTS (${LIVE_HOLDER})`,
  );
  const all = db.prepare<[], WorkerTokenRow>('SELECT * FROM worker_tokens ORDER BY created_at, id');
  const one = db.prepare<[string], WorkerTokenRow>('SELECT * FROM worker_tokens WHERE id = ?');
  const byHash = db.prepare<[string], WorkerTokenRow>('SELECT * FROM worker_tokens WHERE token_hash = ?');
  const used = db.prepare('UPDATE worker_tokens SET last_used_at = ? WHERE id = ?');
  const revoke = db.prepare('UPDATE worker_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL');
  // Claimed only by a token bound to none, for a worker no other live token is bound to.
  const claim = db.prepare(
    `UPDATE worker_tokens SET worker_id = @worker_id WHERE id = @id AND worker_id IS NULL
      AND NOT EXISTS (${LIVE_HOLDER})`,
  );
  const holder = db.prepare<{ worker_id: string; id: string }, WorkerTokenRow>(
    `${LIVE_HOLDER} ORDER BY created_at, id LIMIT 1`,
  );
  return {
    /** Stores a token; false when it names a worker that another live token is bound to. */
    insert: (t: {
      id: string;
      name: string;
      token_hash: string;
      created_at: string;
      worker_id: string | null;
    }): boolean => insert.run(t).changes > 0,
    list: (): WorkerTokenRow[] => all.all(),
    get: (id: string): WorkerTokenRow | undefined => one.get(id),
    byHash: (hash: string): WorkerTokenRow | undefined => byHash.get(hash),
    noteUsed(id: string, at: string): void {
      used.run(at, id);
    },
    /** Whether it was revoked now (false: unknown, or revoked before). */
    revoke: (id: string, at: string): boolean => revoke.run(at, id).changes > 0,
    /** Binds token `id` to worker `workerId` if it is bound to none and no other live token is bound to that worker; whether it was bound now. */
    claim(id: string, workerId: string): boolean {
      return claim.run({ worker_id: workerId, id }).changes > 0;
    },
    /** The first live token other than `id` bound to worker `workerId`. */
    liveHolder: (workerId: string, id: string): WorkerTokenRow | undefined =>
      holder.get({ worker_id: workerId, id }),
  };
}
