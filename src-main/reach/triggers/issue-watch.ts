import type { GithubIssuesSource } from '../../../src-shared/schemas/trigger.ts';
import { BackgroundWork } from '../../base/background.ts';
import type { ErrorLog } from '../../base/log-line.ts';
import type { IssueSource, OpenIssue } from '../../forges/index.ts';
import { IssuesError } from '../../forges/index.ts';
import type { SecretResolver } from '../../secrets/secrets.ts';
import type { Store } from '../../store/store.ts';
import { DutyLease } from '../duties/duty-lease.ts';
import type { StoredTrigger, TriggersRepo } from './repo.ts';

/** A workspace's forge as a `github_issues` trigger uses it: where, the token's secret, and its issues (`src-main/forges/`). */
export interface WatchedForge {
  api_url: string;
  repo: string;
  token_secret: string;
  issues: IssueSource;
}

export interface IssueWatchOptions {
  store: Store;
  repo: TriggersRepo;
  now: () => number;
  owner: string;
  secrets: SecretResolver;
  /** The workspace's forge, or why there is none to watch (no such workspace, no forge, a forge whose issues Baton does not read). */
  forgeOf: (workspaceId: string) => WatchedForge | string;
  /**
   * `runs.start` as `actor`; `alongside` runs in the transaction that stores the run (a throw
   * from it leaves no run).
   */
  startRun: (
    planId: string,
    inputs: Record<string, unknown>,
    actor: string,
    alongside: (runId: string) => void,
  ) => Promise<{ run_id: string }>;
  audit: (e: { entity_id: string; to: string; why: string; run_id?: string | null; actor: string }) => void;
  /** How often due triggers are looked for (1 s). */
  pollMs?: number;
  leaseTtlMs?: number;
  log?: ErrorLog | undefined;
}

/** Longest wait between two looks of a trigger whose looks fail. */
const MAX_BACKOFF_MS = 30 * 60_000;

/** Thrown inside a run's transaction when its issue started a run already (another look, another process). */
class IssueTaken extends Error {}

/** What `started_by` says of a run an issue started: `github-issue:<owner/name>#<number>`. */
export const issueActor = (repo: string, number: number) => `github-issue:${repo}#${number}`;

/**
 * Watches GitHub for `github_issues` triggers: each trigger's repository is read every
 * `poll_seconds` (only in the process holding the `issue_triggers` duty; a signed `issues`
 * webhook reads it at once from any), and each open issue with the trigger's label starts one
 * run of its plan, ever: the issue is recorded in the transaction that stores the run, so a
 * second look, a repeated delivery, another process or a restart starts nothing more. A look
 * that fails (a token refused, lacking rights, a secret not set, a repository not found) is the
 * trigger's last error, audited when it changes, and the trigger is read again later, waiting
 * twice as long each time (at most 30 min).
 */
export class IssueWatch {
  private readonly o: IssueWatchOptions;
  private readonly lease: DutyLease;
  private readonly looks: BackgroundWork;
  /** When each trigger is read next, and its failed looks in a row: in memory (a restart reads each at once). */
  private readonly due = new Map<string, { at: number; failures: number }>();
  private timer: NodeJS.Timeout | null = null;
  private chain: Promise<unknown> = Promise.resolve();
  private closed = false;

  constructor(o: IssueWatchOptions) {
    this.o = o;
    this.lease = new DutyLease(o.store.db, 'issue_triggers', o.owner, o.leaseTtlMs ?? 30_000);
    this.looks = new BackgroundWork('watching GitHub issues', o.log);
  }

  start(): void {
    if (this.timer || this.closed) return;
    this.timer = setInterval(() => this.wake(), this.o.pollMs ?? 1_000);
    this.timer.unref();
    this.wake();
  }

  /**
   * Looks at the triggers that are due, in the background; only once started (an app opened for
   * one command, as `baton triggers add` without a server does, reads no issues).
   */
  wake(): void {
    if (this.closed || this.timer === null) return;
    void this.serial(() => this.step()).then(
      () => this.looks.succeeded(),
      (err: unknown) => {
        if (!this.closed) this.looks.failed(err);
      },
    );
  }

  /** One look at the due triggers, if this process holds the duty. */
  async step(): Promise<void> {
    const watching = this.o.repo.ofKind('github_issues');
    if (this.closed || watching.length === 0 || !this.lease.hold(this.o.now())) return;
    for (const t of watching) {
      if (this.closed) return;
      if ((this.due.get(t.id)?.at ?? 0) <= this.o.now()) await this.look(t);
    }
  }

  /**
   * Reads now the triggers that watch `workspaceId` (a signed `issues` webhook), or all of them,
   * due or not: how many runs they started.
   */
  pollNow(workspaceId?: string): Promise<number> {
    return this.serial(async () => {
      let started = 0;
      for (const t of this.o.repo.ofKind('github_issues')) {
        if (this.closed) break;
        if (workspaceId === undefined || t.source?.workspace === workspaceId) started += await this.look(t);
      }
      return started;
    });
  }

  /** Resolves once the looks asked for so far are over. */
  async settled(): Promise<void> {
    await this.chain.catch(() => undefined);
  }

  stop(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    try {
      this.lease.letGo();
    } catch {
      // The store may be closed already; the lease then runs out by itself.
    }
  }

  /** Looks run one after another: two looks never read the same issue at once. */
  private serial<T>(f: () => Promise<T>): Promise<T> {
    const next = this.chain.catch(() => undefined).then(f);
    this.chain = next;
    return next;
  }

  /** Reads one trigger's issues and starts a run for each new one: how many it started. */
  private async look(t: StoredTrigger): Promise<number> {
    const source = t.source;
    if (!source) return 0;
    const forge = this.o.forgeOf(source.workspace);
    const token = typeof forge === 'string' ? undefined : this.o.secrets.get(forge.token_secret);
    let issues: OpenIssue[];
    try {
      if (typeof forge === 'string') throw new IssuesError(forge);
      if (!token)
        throw new IssuesError(
          `the secret "${forge.token_secret}" (the forge token of workspace "${source.workspace}") is not set`,
        );
      issues = await forge.issues.openLabelled({
        apiUrl: forge.api_url,
        repo: forge.repo,
        token,
        tokenName: forge.token_secret,
        label: source.label,
      });
    } catch (err) {
      if (!(err instanceof IssuesError)) throw err;
      if (this.closed) return 0;
      this.failed(t, source, err.message);
      return 0;
    }
    let started = 0;
    let failure: string | null = null;
    for (const issue of issues.sort((a, b) => a.number - b.number)) {
      if (this.closed) break;
      if (this.o.repo.issue(t.id, forge.repo, issue.number)) continue;
      try {
        if (await this.startFor(t, forge.repo, issue)) started++;
      } catch (err) {
        // The plan refused it (its inputs, a workspace it cannot use): said, and tried again at the next look.
        failure ??= `issue #${issue.number} of ${forge.repo} could not start plan "${t.plan_id}": ${err instanceof Error ? err.message : String(err)}`;
      }
    }
    // Stopped meanwhile: the store may be closed; the next start reads the issues again.
    if (this.closed) return started;
    if (failure !== null) {
      this.failed(t, source, failure);
      return started;
    }
    this.due.set(t.id, { at: this.o.now() + source.poll_seconds * 1_000, failures: 0 });
    if (this.o.repo.setError(t.id, null, this.at()))
      this.audit(t, 'watching', `read the issues labelled "${source.label}" of ${forge.repo} again`);
    return started;
  }

  /** Starts the issue's run, recording the issue with it; false when its run was started before. */
  private async startFor(t: StoredTrigger, repo: string, issue: OpenIssue): Promise<boolean> {
    const from = t.source?.inputs_from ?? {};
    const declared = this.o.store.plans.get(t.plan_id)?.plan.run_inputs ?? {};
    const inputs: Record<string, unknown> = { ...t.inputs };
    if (from.title) inputs[from.title] = issue.title;
    if (from.body) inputs[from.body] = issue.body;
    if (from.url) inputs[from.url] = issue.url;
    if (from.number)
      inputs[from.number] = declared[from.number]?.type === 'string' ? String(issue.number) : issue.number;
    try {
      await this.o.startRun(t.plan_id, inputs, issueActor(repo, issue.number), (run_id) => {
        const recorded = this.o.repo.addIssue({
          trigger_id: t.id,
          repo,
          number: issue.number,
          title: issue.title,
          url: issue.url,
          run_id,
          started_at: this.at(),
        });
        if (!recorded) throw new IssueTaken();
        this.audit(
          t,
          'started',
          `issue #${issue.number} of ${repo} ("${issue.title}") started run ${run_id} of plan "${t.plan_id}"`,
          run_id,
        );
      });
      return true;
    } catch (err) {
      if (err instanceof IssueTaken) return false;
      throw err;
    }
  }

  private failed(t: StoredTrigger, source: GithubIssuesSource, why: string): void {
    const failures = (this.due.get(t.id)?.failures ?? 0) + 1;
    const wait = Math.min(source.poll_seconds * 1_000 * 2 ** failures, MAX_BACKOFF_MS);
    this.due.set(t.id, { at: this.o.now() + wait, failures });
    // Said once while it stays the same: a trigger failing every look does not fill the audit log.
    if (this.o.repo.setError(t.id, why, this.at())) this.audit(t, 'failed', `${why}; nothing was started`);
  }

  private at(): string {
    return new Date(this.o.now()).toISOString();
  }

  private audit(t: StoredTrigger, to: string, why: string, run_id: string | null = null): void {
    this.o.audit({ entity_id: t.id, to, why, run_id, actor: `trigger:${t.id}` });
  }
}
