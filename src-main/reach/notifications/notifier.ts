import type { Agent } from '../../../src-shared/schemas/agent.ts';
import type { AuditEntry } from '../../../src-shared/schemas/memory.ts';
import type {
  Notification,
  NotificationKind,
  NotificationSettings,
} from '../../../src-shared/schemas/notification.ts';
import { NOTIFICATION_KINDS } from '../../../src-shared/schemas/notification.ts';
import type { TaskSpec } from '../../../src-shared/schemas/plan.ts';
import { BackgroundWork } from '../../base/background.ts';
import type { ErrorLog } from '../../base/log-line.ts';
import { inTurn } from '../../base/turns.ts';
import type { EventBus } from '../../events/event-bus.ts';
import type { Store } from '../../store/store.ts';
import { createNotificationsRepo } from './repo.ts';

/** Most entries read in one look: a window that connects after a long batch is not flooded. */
const BATCH = 200;
/** Batches the timer's look reads in one turn of the event loop (`drain`). */
const BATCHES_PER_TURN = 2;

/** What an audit entry alone does not say, read from the store when the entry is looked at. */
export interface NotificationFacts {
  /** The approval's kind (`budget`, `tool_call`, …), for an approval entry. */
  approvalKind: string | null;
  /** For a task entry: the task is still ready and only a person (a human agent) can take it. */
  waitsForPerson: boolean;
  /** For an agent's `available` entry: the first of its account's reset (one notification per account). */
  agentFirst?: boolean;
}

/** The notification an audit entry is, if any (the approval's kind decides budget or approval). */
export function notificationOf(e: AuditEntry, facts: NotificationFacts): Notification | null {
  let kind: NotificationKind | null = null;
  let title = '';
  const taskId: string | null = /task "([^"]+)"/.exec(e.why)?.[1] ?? null;
  if (e.entity === 'approval' && e.from_status === null && e.to_status === 'pending') {
    kind = facts.approvalKind === 'budget' ? 'budget_exceeded' : 'approval_waiting';
    title =
      kind === 'budget_exceeded'
        ? 'Budget passed: approval needed'
        : facts.approvalKind === 'tool_call'
          ? 'Tool call waiting for approval'
          : facts.approvalKind === 'diff_review'
            ? 'Diff waiting for review'
            : 'Approval waiting';
  } else if (e.entity === 'task' && e.to_status === 'ready' && facts.waitsForPerson) {
    return taskWaitingOf(e, e.entity_id);
  } else if (e.entity === 'budget' && e.to_status === 'reached') {
    return {
      id: `audit-${e.id}`,
      kind: 'budget_reached',
      title: 'Budget reached',
      body: e.why,
      at: e.at,
      target: { run_id: e.run_id, approval_id: null, task_id: null, budget: e.entity_id },
    };
  } else if (e.entity === 'agent' && (e.to_status === 'limited' || e.to_status === 'available')) {
    // Every agent on the account has an entry; the one whose attempt hit the limit tells it
    // (the others' say "its account … is <agent>'s"), and the reset is told for the first agent
    // of the account only (`agentFirstOf`).
    if (e.to_status === 'limited' ? e.why.includes('(its account ') : !facts.agentFirst) return null;
    const limited = e.to_status === 'limited';
    return {
      id: `audit-${e.id}`,
      kind: limited ? 'agent_limited' : 'agent_available',
      title: limited ? `Agent ${e.entity_id} hit a usage limit` : `Agent ${e.entity_id} is available again`,
      body: e.why,
      at: e.at,
      target: { run_id: e.run_id, approval_id: null, task_id: null, agent: e.entity_id },
    };
  } else if (e.entity === 'run' && e.from_status === 'executing' && e.to_status === 'failed') {
    kind = 'run_failed';
    title = `Run ${e.run_id} failed`;
  } else if (e.entity === 'run' && e.from_status === 'executing' && e.to_status === 'completed') {
    kind = 'run_completed';
    title = `Run ${e.run_id} completed`;
  }
  if (!kind) return null;
  return {
    id: `audit-${e.id}`,
    kind,
    title,
    body: e.why,
    at: e.at,
    target: {
      run_id: e.run_id,
      approval_id: e.entity === 'approval' ? e.entity_id : null,
      task_id: taskId,
    },
  };
}

/**
 * A task waiting in My tasks: from its own move to ready, or from its run's start (the first
 * tasks of a run are ready from the start, with no entry of their own; each gets its own id).
 */
export function taskWaitingOf(e: AuditEntry, taskId: string): Notification {
  return {
    id: e.entity === 'task' ? `audit-${e.id}` : `audit-${e.id}-${taskId}`,
    kind: 'task_waiting',
    title: `Task ${taskId} waits in My tasks`,
    body: e.entity === 'task' ? e.why : `run ${e.run_id} started: task "${taskId}" is ready for a person`,
    at: e.at,
    target: { run_id: e.run_id, approval_id: null, task_id: taskId },
  };
}

/**
 * Tells this process's windows (the `notification` event) what a person may want to hear about,
 * from the audit log, so runs other processes execute are told too. Only what happens from now
 * on; nothing is read while no window listens. Kinds a person turned off are not told.
 */
export function createNotifier(deps: { store: Store; bus: EventBus; log?: ErrorLog | undefined }) {
  const repo = createNotificationsRepo(deps.store.db);
  /**
   * What one look needs to tell a task only a person can take, read once per look, not once per
   * entry (a run of 10,000 tasks writes 10,000 `ready` entries): the agents, and each run's specs
   * by task id. With no human agent, no task waits for a person and nothing more is read.
   */
  const lookContext = () => {
    let agents: Agent[] | null = null;
    const specs = new Map<string, Map<string, TaskSpec>>();
    const agentsNow = () => (agents ??= deps.store.agents.list());
    const specOf = (runId: string, taskId: string): TaskSpec | undefined => {
      let byId = specs.get(runId);
      if (!byId) {
        byId = new Map();
        const run = deps.store.runs.get(runId);
        const plan = run ? deps.store.plans.get(run.plan_id, run.plan_version) : undefined;
        for (const t of plan?.plan.tasks ?? []) byId.set(t.task_id, t);
        for (const t of deps.store.runs.addedSpecs(runId)) byId.set(t.task_id, t);
        specs.set(runId, byId);
      }
      return byId.get(taskId);
    };
    const anyPerson = () => agentsNow().some((a) => a.kind === 'human');
    /** A ready task only a person can take: its pin is a human agent, or no agent but a human has its skills. */
    const waitsForPerson = (runId: string | null, taskId: string, rootOnly = false): boolean => {
      if (runId === null || !anyPerson()) return false;
      if (repo.taskStatus(runId, taskId) !== 'ready') return false;
      const spec = specOf(runId, taskId);
      if (!spec || (rootOnly && (spec.depends_on ?? []).length > 0)) return false;
      const able = agentsNow().filter(
        (a) =>
          (!spec.agent || a.id === spec.agent) && spec.required_skills.every((k) => a.skills.includes(k)),
      );
      return able.length > 0 && able.every((a) => a.kind === 'human');
    };
    return { waitsForPerson, anyPerson };
  };
  let cursor = repo.lastAuditId() ?? 0;
  let timer: NodeJS.Timeout | null = null;
  const background = new BackgroundWork('notifying', deps.log);

  const settings = (): NotificationSettings => {
    const s = Object.fromEntries(NOTIFICATION_KINDS.map((k) => [k, true])) as NotificationSettings;
    for (const r of repo.storedSettings())
      if ((NOTIFICATION_KINDS as readonly string[]).includes(r.kind))
        s[r.kind as NotificationKind] = r.enabled;
    return s;
  };

  /** One look (tests call it): every entry since the last, and the notifications told. */
  function look(): Notification[] {
    return lookAt(Number.POSITIVE_INFINITY).told;
  }

  /** Up to `batches` batches of entries since the last look; `more` when entries are left. */
  function lookAt(batches: number): { told: Notification[]; more: boolean } {
    if (!deps.bus.wants('notification')) {
      cursor = repo.lastAuditId() ?? cursor;
      return { told: [], more: false };
    }
    const told: Notification[] = [];
    const on = settings();
    const { waitsForPerson, anyPerson } = lookContext();
    // A task's entry tells only that it waits for a person: with no person, none is read.
    const tasks = on.task_waiting && anyPerson();
    // The entries up to the log's end as of now: filtered ones past the last read are not read again.
    const upTo = repo.lastAuditId() ?? cursor;
    /** The resets told in this look (`account until`): the agents of one account are told once. */
    const resets = new Set<string>();
    const firstOfReset = (e: AuditEntry): boolean => {
      const key = /\(([^)]+)\) reset at (\S+)$/.exec(e.why)?.slice(1).join(' ') ?? e.why;
      if (resets.has(key)) return false;
      resets.add(key);
      return true;
    };
    const tell = (n: Notification | null) => {
      if (!n || !on[n.kind]) return;
      deps.bus.emit('notification', n);
      told.push(n);
    };
    for (let batch = 0; batch < batches; batch++) {
      const entries = repo.auditAfter(cursor, upTo, BATCH, tasks);
      for (const e of entries) {
        const n = notificationOf(e, {
          approvalKind: e.entity === 'approval' ? repo.approvalKind(e.entity_id) : null,
          waitsForPerson:
            e.entity === 'task' && e.to_status === 'ready' && waitsForPerson(e.run_id, e.entity_id),
          agentFirst: e.entity === 'agent' && e.to_status === 'available' && firstOfReset(e),
        });
        tell(n);
        // A run's first tasks (those that depend on none) are ready from its start, with no
        // entry of their own; the others have one when they become ready.
        if (
          e.entity === 'run' &&
          e.from_status === null &&
          e.to_status === 'executing' &&
          e.run_id &&
          on.task_waiting
        )
          for (const t of repo.readyTasks(e.run_id))
            if (waitsForPerson(e.run_id, t, true)) tell(taskWaitingOf(e, t));
        cursor = e.id;
      }
      if (entries.length < BATCH) {
        cursor = upTo;
        return { told, more: false };
      }
    }
    return { told, more: true };
  }

  /**
   * The timer's look: a few batches at a time, the rest in the next turns of the event loop. Busy
   * runs write thousands of audit entries a second; read in one go, a second's worth held the
   * thread (and every call) for ~100 ms on a loaded machine.
   */
  let draining = false;
  function drain(): void {
    if (draining || timer === null) return;
    if (!lookAt(BATCHES_PER_TURN).more) return;
    draining = true;
    inTurn(() => {
      draining = false;
      background.run(drain);
    });
  }

  return {
    settings,
    configure(kind: NotificationKind, enabled: boolean): NotificationSettings {
      repo.saveSetting(kind, enabled);
      return settings();
    },
    look,
    start(pollMs = 1_000): void {
      if (timer) return;
      // A look that fails is logged, and the next tries again.
      timer = background.every(pollMs, drain);
    },
    stop(): void {
      if (timer) clearInterval(timer);
      timer = null;
    },
  };
}
export type Notifier = ReturnType<typeof createNotifier>;
