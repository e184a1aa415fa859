import type { Landing } from '../../../../src-shared/schemas/landing.ts';
import type { EventBus } from '../../../events/event-bus.ts';
import type { HeldSecret } from '../../../secrets/held.ts';
import type { SecretResolver } from '../../../secrets/secrets.ts';
import type { CodingStore } from '../repos/coding-store.ts';
import type { StoredLanding } from '../repos/landings-repo.ts';
import type { SecretsToScan } from './push.ts';

/** What landing and following pull requests need of the app. */
export interface LandingDeps {
  store: CodingStore;
  bus: EventBus;
  /** ISO time, and epoch ms (when a pull request is polled next). */
  now(): string;
  clock(): number;
  secrets: SecretResolver;
  /**
   * Every secret Baton holds, read at each push, which refuses a branch holding one
   * (`secret-scan.ts`); `tokenOf` names a worker token found by its shape (only hashes are kept).
   */
  held: { secrets(): HeldSecret[]; tokenOf(candidate: string): string | null };
  log(err: unknown, doing: string): void;
  /** A link back to a run in Baton, when Baton is served at an address. */
  runUrl?: ((runId: string) => string | null) | undefined;
  /** How often an open pull request is polled: first after `firstMs`, then twice as long each time, at most `maxMs`. */
  follow: { firstMs: number; maxMs: number };
  /**
   * A re-run of a run from one task (`engine.rerunFrom`), `alongside` written in the transaction
   * that stores the new run: how a pull request's fix round puts its agent back to work. Absent:
   * no fix rounds (a failing check or a review asking for changes is only said).
   */
  rerun?: ((runId: string, taskId: string, alongside: (newRun: string) => void) => string) | undefined;
  /** The GitHub issue that started a run (a `github_issues` trigger): its pull request closes it. */
  issueOf?: ((runId: string) => { repo: string; number: number; url: string } | null) | undefined;
  /** A signed `issues` webhook for a workspace: its issues read at once; how many runs that started. */
  issuesDelivered?: ((workspaceId: string) => Promise<number>) | undefined;
}

/** The landing as it is public (without its polling bookkeeping). */
export function publicLanding(l: StoredLanding): Landing {
  const { polls: _p, next_poll_at: _n, handled: _h, asked: _a, ...rest } = l;
  return rest;
}

/**
 * Saves a landing that moved, with an audit entry, a step of its task's last attempt (a system
 * message) and a line in its task's log when its state changed or it says something new, and
 * tells the UI.
 */
export function landingChanged(deps: LandingDeps, next: StoredLanding, before: string | null): StoredLanding {
  const { store, bus } = deps;
  const at = deps.now();
  const saved: StoredLanding = { ...next, updated_at: at };
  const old = store.landings.get(next.run_id, next.task_id);
  const said = old?.message !== saved.message || old?.state !== saved.state;
  store.tx(() => {
    store.landings.save(saved);
    if (!said || saved.message === null) return;
    store.memory.audit({
      at,
      actor: 'engine',
      entity: saved.task_id ? 'task' : 'run',
      entity_id: saved.task_id ?? saved.run_id,
      run_id: saved.run_id,
      from_status: before === saved.state ? null : `landing ${before ?? 'none'}`,
      to_status: `landing ${saved.state}`,
      why: saved.message,
    });
  });
  if (said && saved.message !== null && saved.task_id) {
    const task = store.runs.tasks(saved.run_id).find((t) => t.task_id === saved.task_id);
    // A step of the task's last attempt (a system message in its trace) and a line in its log.
    const attempt = task?.attempt ?? 1;
    const seq = store.steps
      .list(saved.run_id, saved.task_id, attempt)
      .reduce((n, x) => Math.max(n, x.seq + 1), 0);
    const step = {
      seq,
      at,
      kind: 'message' as const,
      role: 'system' as const,
      text: `Landing: ${saved.message}`,
    };
    store.steps.upsertOf(
      { run_id: saved.run_id, task_id: saved.task_id, attempt, agent_id: task?.agent_id ?? null },
      [step],
    );
    bus.emit('task.step', { ...step, run_id: saved.run_id, task_id: saved.task_id, attempt });
    const line = {
      run_id: saved.run_id,
      task_id: saved.task_id,
      attempt: task?.attempt ?? 1,
      stream: 'info' as const,
      text: `landing: ${saved.message}`,
      at,
    };
    bus.emit('task.log', { id: store.execution.addLog(line), ...line });
  }
  bus.emit('landing.updated', publicLanding(saved));
  return saved;
}

/** What a push to a workspace's remote is scanned for: Baton's secrets, and the base its work starts from. */
export function secretsToScan(deps: LandingDeps, base: string | null): SecretsToScan {
  return { held: deps.held.secrets(), tokenOf: (c) => deps.held.tokenOf(c), base };
}
