import type { Trigger, TriggerCreated } from '../../../src-shared/schemas/trigger.ts';
import { triggerCallSchema } from '../../../src-shared/schemas/trigger.ts';
import { AppError } from '../../base/errors.ts';
import type { Db } from '../../store/db.ts';
import { RateLimiter } from './rate-limit.ts';
import type { StoredTrigger } from './repo.ts';
import { createTriggersRepo } from './repo.ts';
import { hashTriggerSecret, mintTriggerSecret, secretMatches } from './secret.ts';

export const TRIGGER_PATH = '/api/triggers/';

/** An answer to a trigger call, before it is HTTP. */
export type TriggerAnswer =
  | { status: 202; body: { run_id: string; status: string } }
  | { status: 400 | 401 | 404 | 429; code: string; message: string; retryAfter?: number };

export interface TriggerDeps {
  db: Db;
  now: () => number;
  /** `runs.start`: inputs checked against the plan, then the engine. */
  startRun: (planId: string, inputs: Record<string, unknown>) => Promise<{ run_id: string; status: string }>;
  audit: (e: { entity_id: string; to: string; why: string; run_id?: string | null; actor: string }) => void;
  /** Baton's address as callers reach it, when known. */
  publicUrl: () => string | null;
}

/** Triggers in: made and listed over the contract, called over HTTP (`route.ts`). */
export class Triggers {
  readonly repo;
  private readonly limiter: RateLimiter;
  /** Triggers whose last call was refused for its rate: a burst is audited once, not per call. */
  private readonly throttled = new Set<string>();
  private readonly d: TriggerDeps;

  constructor(d: TriggerDeps) {
    this.d = d;
    this.repo = createTriggersRepo(d.db);
    this.limiter = new RateLimiter(d.now);
  }

  urlOf(id: string): string {
    const base = this.d.publicUrl() ?? 'http://127.0.0.1:4800/';
    return `${base.endsWith('/') ? base : `${base}/`}${TRIGGER_PATH.slice(1)}${encodeURIComponent(id)}`;
  }

  shown(t: StoredTrigger): Trigger {
    const { secret_hash: _, source, ...rest } = t;
    return { ...rest, url: t.kind === 'http' ? this.urlOf(t.id) : '', github_issues: source };
  }

  /** Stores a new trigger with the hash of a new secret; the secret is in the answer only. */
  create(
    t: Omit<
      StoredTrigger,
      'secret_hash' | 'enabled' | 'created_at' | 'kind' | 'source' | 'last_error' | 'last_error_at'
    >,
  ): TriggerCreated {
    if (this.repo.get(t.id)) throw new AppError('conflict', `trigger "${t.id}" already exists`);
    const secret = mintTriggerSecret();
    this.repo.insert({
      ...t,
      kind: 'http',
      source: null,
      secret_hash: hashTriggerSecret(secret),
      created_at: new Date(this.d.now()).toISOString(),
    });
    const url = this.urlOf(t.id);
    const body = Object.keys(t.inputs).length > 0 ? ` -d '{"inputs":{}}'` : '';
    return {
      trigger: this.shown(this.repo.get(t.id)!),
      secret,
      url,
      curl: `curl -X POST -H "Authorization: Bearer ${secret}" -H "Content-Type: application/json"${body} ${url}`,
    };
  }

  /** Stores a trigger that is not called over HTTP (it has no secret: `github_issues`). */
  createWatching(t: Pick<StoredTrigger, 'id' | 'plan_id' | 'inputs' | 'kind' | 'source'>): Trigger {
    if (this.repo.get(t.id)) throw new AppError('conflict', `trigger "${t.id}" already exists`);
    this.repo.insert({
      ...t,
      secret_hash: '',
      rate_per_minute: 60,
      created_at: new Date(this.d.now()).toISOString(),
    });
    return this.shown(this.repo.get(t.id)!);
  }

  remove(id: string): boolean {
    this.limiter.forget(id);
    this.throttled.delete(id);
    return this.repo.remove(id);
  }

  /**
   * Whether a call may go on, before its body is read: the trigger exists (404, not audited: the
   * id is the caller's), its rate allows another call (429; each call counts, so guessing secrets
   * is as slow as the rate), and the secret is its own (401; the UI token is no trigger's secret).
   */
  admit(id: string, secret: string | undefined, from: string): StoredTrigger | TriggerAnswer {
    const t = this.repo.get(id);
    if (!t) return { status: 404, code: 'not_found', message: `no trigger "${id}"` };
    if (t.kind !== 'http')
      return {
        status: 404,
        code: 'not_found',
        message: `trigger "${id}" is not called over HTTP (${t.kind})`,
      };
    const wait = this.limiter.take(id, t.rate_per_minute);
    if (wait > 0) {
      if (!this.throttled.has(id)) {
        this.throttled.add(id);
        this.audit(
          t,
          'refused',
          `calls from ${from} refused past ${t.rate_per_minute} a minute (further ones until the rate allows are not logged)`,
        );
      }
      return {
        status: 429,
        code: 'rate_limited',
        message: `more than ${t.rate_per_minute} calls a minute`,
        retryAfter: wait,
      };
    }
    this.throttled.delete(id);
    if (!secretMatches(secret, t.secret_hash)) {
      this.audit(t, 'refused', `call from ${from} refused: ${secret === undefined ? 'no' : 'wrong'} secret`);
      return {
        status: 401,
        code: 'unauthorized',
        message: "send the trigger's secret as Authorization: Bearer <secret>",
      };
    }
    return t;
  }

  /** Starts the run an admitted call asks for, with the trigger's inputs and the call's over them. */
  async start(t: StoredTrigger, body: unknown, from: string): Promise<TriggerAnswer> {
    const parsed = triggerCallSchema.safeParse(body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const message = `${issue?.path.join('.') || 'body'}: ${issue?.message ?? 'invalid'}`;
      this.audit(t, 'refused', `call from ${from} refused: ${message}`);
      return { status: 400, code: 'invalid_input', message };
    }
    try {
      const run = await this.d.startRun(t.plan_id, { ...t.inputs, ...parsed.data.inputs });
      this.audit(
        t,
        'started',
        `call from ${from} started run ${run.run_id} of plan "${t.plan_id}"`,
        run.run_id,
      );
      return { status: 202, body: { run_id: run.run_id, status: run.status } };
    } catch (err) {
      if (!(err instanceof AppError) || (err.code !== 'invalid_input' && err.code !== 'not_found')) throw err;
      this.audit(t, 'refused', `call from ${from} could not start plan "${t.plan_id}": ${err.message}`);
      return { status: err.code === 'not_found' ? 404 : 400, code: err.code, message: err.message };
    }
  }

  /** An admitted call whose body could not be read (not JSON, too large, cut short). */
  refuseBody(t: StoredTrigger, message: string, from: string): void {
    this.audit(t, 'refused', `call from ${from} refused: ${message}`);
  }

  private audit(t: StoredTrigger, to: string, why: string, run_id: string | null = null): void {
    this.d.audit({ entity_id: t.id, to, why, run_id, actor: `trigger:${t.id}` });
  }
}
