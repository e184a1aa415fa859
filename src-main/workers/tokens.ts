import { createHash, randomBytes } from 'node:crypto';
import type { WorkerToken, WorkerTokenCreated } from '../../src-shared/schemas/worker-token.ts';
import { invalidInput } from '../base/errors.ts';
import type { Db } from '../store/db.ts';
import type { WorkerTokenRow } from './repo.ts';
import { createWorkerTokensRepo } from './repo.ts';

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

/** How often a token's `last_used_at` is written: a heartbeat every few seconds needs no write each. */
const LAST_USED_EVERY_MS = 60_000;

/** A new worker token: 32 random bytes, base64url, with a prefix that says what it is. */
export function mintWorkerToken(): string {
  return `bwk_${randomBytes(32).toString('base64url')}`;
}

/** What is stored: SHA-256 of the token (a 256-bit random token needs no slow hash). */
export function hashWorkerToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/**
 * Worker tokens (migrations 012 and 014): what `baton worker` presents instead of the UI's
 * token. The host asks `verify` on each request that does not carry the UI token; a token opens
 * the worker API only (src-main/host/rest/routes.ts marks those routes). Revoking takes effect on
 * the next request: nothing is cached.
 */
export class WorkerTokens {
  private readonly now: () => number;
  private readonly repo;
  /** Where workers reach this Baton's worker API: `baton serve`'s address while it serves (the desktop app serves none). */
  serverUrl: string | null = null;
  private readonly changed: (t: WorkerToken) => void;
  /**
   * Tokens looked up by hash, kept while nothing changed them: a worker's every request (several
   * a second) needs no query. Emptied by this process's own writes (each tells `changed`), and
   * when another connection committed (`PRAGMA data_version`: a token revoked from another
   * process is refused at its next request too).
   */
  private readonly known = new Map<string, WorkerTokenRow>();
  private knownAt = -1;
  private readonly dataVersion: () => number;

  /** `changed`: told each token as it is after a write (made, bound, used, revoked). */
  constructor(db: Db, now: () => number, changed: (t: WorkerToken) => void = () => {}) {
    this.now = now;
    this.changed = (t) => {
      this.known.clear();
      changed(t);
    };
    this.repo = createWorkerTokensRepo(db);
    const version = db.prepare('PRAGMA data_version').pluck();
    this.dataVersion = () => version.get() as number;
  }

  /**
   * Stores a new token's hash; the token is in the answer only. `workerId`: the worker it speaks
   * for (else the first worker that registers with it claims it); a worker answers to one live
   * token, so one that has one is refused (invalid input naming `worker_id`).
   */
  create(id: string, name: string, serverUrl: string, workerId?: string): WorkerTokenCreated {
    const secret = mintWorkerToken();
    const stored = this.repo.insert({
      id,
      name,
      token_hash: hashWorkerToken(secret),
      created_at: this.iso(),
      worker_id: workerId ?? null,
    });
    if (!stored) {
      const holder = this.repo.liveHolder(workerId!, id);
      throw invalidInput('worker token', [
        {
          path: 'worker_id',
          message: `worker "${workerId}" already has a live token${holder ? ` ("${holder.name}")` : ''}; a worker answers to one token: revoke that one first`,
        },
      ]);
    }
    const server = serverUrl.endsWith('/') ? serverUrl : `${serverUrl}/`;
    const token = shown(this.repo.get(id)!);
    this.changed(token);
    return {
      token,
      secret,
      // The token in the environment, not an argument: every user of the machine reads a process's
      // arguments (`ps`), its environment only its own user.
      command: `BATON_TOKEN=${secret} baton worker --server ${server} --agents agents.json${
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
    if (claim && this.repo.claim(id, workerId)) this.tell(id);
    const bound = this.repo.get(id)?.worker_id ?? null;
    if (bound === workerId) return { ok: true };
    if (bound === null && this.repo.liveHolder(workerId, id)) return { ok: false, bound, taken: true };
    return { ok: false, bound };
  }

  /** Whether a live token other than `id` is bound to worker `workerId` (only that one may act as it). */
  heldByAnother(workerId: string, id: string): boolean {
    return this.repo.liveHolder(workerId, id) !== undefined;
  }

  list(): WorkerToken[] {
    return this.repo.list().map(shown);
  }

  get(id: string): WorkerToken | undefined {
    const row = this.repo.get(id);
    return row ? shown(row) : undefined;
  }

  /** Whether it was revoked now (false: unknown, or revoked before). */
  revoke(id: string): boolean {
    const revoked = this.repo.revoke(id, this.iso());
    if (revoked) this.tell(id);
    return revoked;
  }

  /**
   * Which worker token `presented` is, if any (looked up by its hash, so in time that does not
   * depend on the token). A live one has its last use noted (at most once a minute).
   */
  verify(presented: string | undefined): WorkerTokenVerdict {
    if (presented === undefined || !presented.startsWith('bwk_')) return null;
    const version = this.dataVersion();
    if (version !== this.knownAt) {
      this.known.clear();
      this.knownAt = version;
    }
    const hash = hashWorkerToken(presented);
    let row = this.known.get(hash);
    if (!row) {
      row = this.repo.byHash(hash);
      if (!row) return null;
      this.known.set(hash, row);
    }
    if (row.revoked_at !== null)
      return { kind: 'revoked', id: row.id, name: row.name, revoked_at: row.revoked_at };
    const now = this.now();
    if (row.last_used_at === null || Date.parse(row.last_used_at) + LAST_USED_EVERY_MS <= now) {
      try {
        this.repo.noteUsed(row.id, new Date(now).toISOString());
        this.tell(row.id);
      } catch {
        // A busy or full disk costs the note of its last use, never the worker its request.
      }
    }
    return { kind: 'worker', id: row.id, name: row.name, worker_id: row.worker_id };
  }

  /** The name of the live worker token `candidate` is, or null (nothing noted: no request presented it). */
  nameOf(candidate: string): string | null {
    if (!candidate.startsWith('bwk_')) return null;
    const row = this.repo.byHash(hashWorkerToken(candidate));
    return row && row.revoked_at === null ? row.name : null;
  }

  private tell(id: string): void {
    const row = this.repo.get(id);
    if (row) this.changed(shown(row));
  }

  private iso(): string {
    return new Date(this.now()).toISOString();
  }
}

function shown({ token_hash: _, ...t }: WorkerTokenRow): WorkerToken {
  return t;
}
