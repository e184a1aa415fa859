import { createHash, randomBytes } from 'node:crypto';
import type { WorkerToken, WorkerTokenCreated } from '../../src-shared/schemas/worker-token.ts';
import type { Db } from '../store/db.ts';

/** What a presented token is: a live worker token, one that was revoked, or none of them. */
export type WorkerTokenVerdict =
  | { kind: 'worker'; id: string; name: string }
  | { kind: 'revoked'; id: string; name: string; revoked_at: string }
  | null;

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
      insert: db.prepare(
        'INSERT INTO worker_tokens (id, name, token_hash, created_at) VALUES (@id, @name, @token_hash, @created_at)',
      ),
      all: db.prepare<[], TokenRow>('SELECT * FROM worker_tokens ORDER BY created_at, id'),
      one: db.prepare<[string], TokenRow>('SELECT * FROM worker_tokens WHERE id = ?'),
      byHash: db.prepare<[string], TokenRow>('SELECT * FROM worker_tokens WHERE token_hash = ?'),
      used: db.prepare('UPDATE worker_tokens SET last_used_at = ? WHERE id = ?'),
      revoke: db.prepare('UPDATE worker_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL'),
    };
  }

  /** Stores a new token's hash; the token is in the answer only. */
  create(id: string, name: string, serverUrl: string): WorkerTokenCreated {
    const secret = mintWorkerToken();
    this.stmts.insert.run({
      id,
      name,
      token_hash: hashWorkerToken(secret),
      created_at: this.iso(),
    });
    const server = serverUrl.endsWith('/') ? serverUrl : `${serverUrl}/`;
    return {
      token: shown(this.stmts.one.get(id)!),
      secret,
      command: `baton worker --server ${server} --token ${secret} --agents agents.json`,
    };
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
    return { kind: 'worker', id: row.id, name: row.name };
  }

  private iso(): string {
    return new Date(this.now()).toISOString();
  }
}

function shown({ token_hash: _, ...t }: TokenRow): WorkerToken {
  return t;
}
