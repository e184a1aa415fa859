import { createHash, randomBytes } from 'node:crypto';
import type { WorkerToken, WorkerTokenCreated } from '../../src-shared/schemas/worker-token.ts';
import { invalidInput } from '../errors.ts';
import type { Db } from '../store/db.ts';

/** What a presented token is: a live worker token, one that was revoked, or none of them. */
export type WorkerTokenVerdict =
  | { kind: 'worker'; id: string; name: string; worker_id: string | null }
  | { kind: 'revoked'; id: string; name: string; revoked_at: string }
  | null;

/**
 * Whether a token may act as a worker: it is bound to it (now, if it was not bound yet); or it is
 * bound to another (`bound`), or to none yet (`bound` null), `taken` when the worker it asked
 * for is bound to another live token.
 */
export type WorkerBinding = { ok: true } | { ok: false; bound: string | null; taken?: true };

/** The 403 message for a token used as a worker other than its own. */
export function boundElsewhere(
  name: string,
  binding: Extract<WorkerBinding, { ok: false }>,
  asked: string,
): string {
  if (binding.bound !== null)
    return `worker token "${name}" is bound to worker "${binding.bound}"; it cannot act as worker "${asked}" (make a token for that worker)`;
  if (binding.taken)
    return `worker "${asked}" is bound to another worker token; worker token "${name}" cannot act as it (use that worker's token, or revoke it first)`;
  return `worker token "${name}" is not bound to a worker yet; worker "${asked}" registers first (POST /api/v1/workers/${asked}/register)`;
}

/** The live tokens bound to worker `@worker_id`, other than token `@id`. */
const LIVE_HOLDER =
  'SELECT * FROM worker_tokens WHERE worker_id = @worker_id AND revoked_at IS NULL AND id <> @id';

/** How often a token's `last_used_at` is written: a heartbeat every few seconds needs no write each. */
const LAST_USED_EVERY_MS = 60_000;

interface TokenRow extends WorkerToken {
  token_hash: string;
}

/** A new worker token: 32 random bytes, base64url, with a prefix that says what it is. */
export function mintWorkerToken(): string {
  return `bwk_${randomBytes(32).toString('base64url')}`;
}

/** What is stored: SHA-256 of the token (a 256-bit random token needs no slow hash). */
export function hashWorkerToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/**
 * Worker tokens (migration 012, issue 18): what `baton worker` presents instead of the UI's
 * token. The host asks `verify` on each request that does not carry the UI token; a token opens
 * the worker API only (src-main/host/rest/routes.ts marks those routes). Revoking takes effect on
 * the next request: nothing is cached.
 */
export class WorkerTokens {
  private readonly now: () => number;
  private readonly stmts;
  /** Where workers reach this Baton's worker API: `baton serve`'s address while it serves (the desktop app serves none). */
  serverUrl: string | null = null;

  constructor(db: Db, now: () => number) {
    this.now = now;
    this.stmts = {
      // A token made for a worker is stored only while no other live token is bound to it.
      insert: db.prepare(
        `INSERT INTO worker_tokens (id, name, token_hash, created_at, worker_id)
          SELECT @id, @name, @token_hash, @created_at, @worker_id
          WHERE @worker_id IS NULL OR NOT EXISTS (${LIVE_HOLDER})`,
      ),
      all: db.prepare<[], TokenRow>('SELECT * FROM worker_tokens ORDER BY created_at, id'),
      one: db.prepare<[string], TokenRow>('SELECT * FROM worker_tokens WHERE id = ?'),
      byHash: db.prepare<[string], TokenRow>('SELECT * FROM worker_tokens WHERE token_hash = ?'),
      used: db.prepare('UPDATE worker_tokens SET last_used_at = ? WHERE id = ?'),
      revoke: db.prepare('UPDATE worker_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL'),
      // Claimed only by a token bound to none, for a worker no other live token is bound to.
      claim: db.prepare(
        `UPDATE worker_tokens SET worker_id = @worker_id WHERE id = @id AND worker_id IS NULL
          AND NOT EXISTS (${LIVE_HOLDER})`,
      ),
      holder: db.prepare<{ worker_id: string; id: string }, TokenRow>(
        `${LIVE_HOLDER} ORDER BY created_at, id LIMIT 1`,
      ),
    };
  }

  /**
   * Stores a new token's hash; the token is in the answer only. `workerId`: the worker it speaks
   * for (else the first worker that registers with it claims it); a worker answers to one live
   * token, so one that has one is refused (invalid input naming `worker_id`).
   */
  create(id: string, name: string, serverUrl: string, workerId?: string): WorkerTokenCreated {
    const secret = mintWorkerToken();
    const stored = this.stmts.insert.run({
      id,
      name,
      token_hash: hashWorkerToken(secret),
      created_at: this.iso(),
      worker_id: workerId ?? null,
    });
    if (stored.changes === 0) {
      const holder = this.stmts.holder.get({ worker_id: workerId!, id });
      throw invalidInput('worker token', [
        {
          path: 'worker_id',
          message: `worker "${workerId}" already has a live token${holder ? ` ("${holder.name}")` : ''}; a worker answers to one token: revoke that one first`,
        },
      ]);
    }
    const server = serverUrl.endsWith('/') ? serverUrl : `${serverUrl}/`;
    return {
      token: shown(this.stmts.one.get(id)!),
      secret,
      command: `baton worker --server ${server} --token ${secret} --agents agents.json${
        workerId === undefined ? '' : ` --id ${workerId}`
      }`,
    };
  }

  /**
   * Whether token `id` may act as worker `workerId`: its own worker, or (`claim`, a token not
   * bound yet) claimed for it now, unless another live token is bound to that worker. Claiming
   * is one conditional write, so neither two workers racing with one token nor two tokens
   * racing for one worker can both have it.
   */
  bind(id: string, workerId: string, claim: boolean): WorkerBinding {
    if (claim) this.stmts.claim.run({ worker_id: workerId, id });
    const bound = this.stmts.one.get(id)?.worker_id ?? null;
    if (bound === workerId) return { ok: true };
    if (bound === null && this.stmts.holder.get({ worker_id: workerId, id }))
      return { ok: false, bound, taken: true };
    return { ok: false, bound };
  }

  /** Whether a live token other than `id` is bound to worker `workerId` (only that one may act as it). */
  heldByAnother(workerId: string, id: string): boolean {
    return this.stmts.holder.get({ worker_id: workerId, id }) !== undefined;
  }

  list(): WorkerToken[] {
    return this.stmts.all.all().map(shown);
  }

  get(id: string): WorkerToken | undefined {
    const row = this.stmts.one.get(id);
    return row ? shown(row) : undefined;
  }

  /** Whether it was revoked now (false: unknown, or revoked before). */
  revoke(id: string): boolean {
    return this.stmts.revoke.run(this.iso(), id).changes > 0;
  }

  /**
   * Which worker token `presented` is, if any (looked up by its hash, so in time that does not
   * depend on the token). A live one has its last use noted (at most once a minute).
   */
  verify(presented: string | undefined): WorkerTokenVerdict {
    if (presented === undefined || !presented.startsWith('bwk_')) return null;
    const row = this.stmts.byHash.get(hashWorkerToken(presented));
    if (!row) return null;
    if (row.revoked_at !== null)
      return { kind: 'revoked', id: row.id, name: row.name, revoked_at: row.revoked_at };
    const now = this.now();
    if (row.last_used_at === null || Date.parse(row.last_used_at) + LAST_USED_EVERY_MS <= now) {
      try {
        this.stmts.used.run(new Date(now).toISOString(), row.id);
      } catch {
        // A busy or full disk costs the note of its last use, never the worker its request.
      }
    }
    return { kind: 'worker', id: row.id, name: row.name, worker_id: row.worker_id };
  }

  private iso(): string {
    return new Date(this.now()).toISOString();
  }
}

function shown({ token_hash: _, ...t }: TokenRow): WorkerToken {
  return t;
}
