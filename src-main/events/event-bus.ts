import type { BatonEvent, BatonEvents, EventBatch, EventName } from '../../src-shared/contract/events.ts';
import type { Approval, ApprovalView } from '../../src-shared/schemas/approval.ts';
import { DEFAULT_DECIDERS } from '../../src-shared/schemas/people.ts';
import { BackgroundWork } from '../base/background.ts';
import type { ErrorLog } from '../base/log-line.ts';

/**
 * What the host's parts emit: the events as clients get them, but an approval as it is stored.
 * The bus makes its view (`viewApproval`) once, when the batch goes out.
 */
export type EmittedEvents = Omit<BatonEvents, 'approval.changed'> & { 'approval.changed': Approval };
export type Emitted = { [K in EventName]: { name: K; payload: EmittedEvents[K] } }[EventName];
type Listener = (batch: EventBatch) => void;

/** An approval with no plan, task or details looked up: what goes out when its view cannot be made. */
const bareView = (a: Approval): ApprovalView => ({
  ...a,
  plan_id: null,
  run_started_by: null,
  deciders: DEFAULT_DECIDERS,
  task_description: null,
  dependencies: [],
});

/**
 * Collects events and delivers them in batches, at most one batch per turn of the event
 * loop. Updates to the same run, task, memory entry or approval within a batch are
 * coalesced to the latest, so a busy run never floods a transport with one message per row.
 * A listener that throws is logged (`BackgroundWork`); the others still get the batch.
 *
 * A client (a window, a browser, the transport) listens to every event; a part of the app that
 * acts on a few (the lander on a run's end) names them, and an event nobody wants is not made:
 * a run's every task change is built and batched only while a client listens (`wants`).
 */
export class EventBus {
  private pending = new Map<string, Emitted>();
  /** Each listener, with the events it asked for (null: every event). */
  private listeners = new Map<Listener, ReadonlySet<EventName> | null>();
  /** How many listeners take every event. */
  private everything = 0;
  /** How many listeners of some events asked for each of them. */
  private readonly some = new Map<EventName, number>();
  private scheduled = false;
  private readonly delivering: BackgroundWork;
  private readonly log: ErrorLog | undefined;
  private readonly viewApproval: (a: Approval) => ApprovalView;

  /**
   * `viewApproval`: an approval as `approvals.list` shows it (plan, task, dependencies, the
   * kind's details), made from the store when a batch goes out; without it, the bare approval.
   */
  constructor(log?: ErrorLog, viewApproval?: (a: Approval) => ApprovalView) {
    this.delivering = new BackgroundWork('an event listener', log);
    this.log = log;
    this.viewApproval = viewApproval ?? bareView;
  }

  /** Events of a write transaction still open (`hold`): told only once it commits. */
  private held: Map<string, Emitted> | null = null;

  emit<E extends EventName>(name: E, payload: EmittedEvents[E]): void {
    if (!this.wants(name)) return;
    const key = keyOf(name, payload);
    const into = this.held ?? this.pending;
    into.delete(key);
    into.set(key, { name, payload } as Emitted);
    if (!this.held) this.schedule();
  }

  /**
   * From now until `release` or `drop`, events wait: a transaction's events describe changes
   * that are not stored until it commits, and one that rolls back must not have told anyone.
   */
  hold(): void {
    this.held ??= new Map();
  }

  /**
   * The transaction ended, but its writes are stored later (written behind the engine): its
   * events, handed to `release` once they are.
   */
  detach(): Map<string, Emitted> | null {
    const held = this.held;
    this.held = null;
    return held;
  }

  /** The transaction committed: its events (or those `detach` gave) go out with the next batch. */
  release(held = this.detach()): void {
    if (!held || held.size === 0) return;
    for (const [key, event] of held) {
      this.pending.delete(key);
      this.pending.set(key, event);
    }
    this.schedule();
  }

  /** The transaction rolled back: what it would have told is forgotten. */
  drop(): void {
    this.held = null;
  }

  private schedule(): void {
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
  }

  /** Whether anyone listens to `name`: lets callers skip building payloads nobody reads. */
  wants(name: EventName): boolean {
    return this.everything > 0 || this.some.has(name);
  }

  /**
   * `listener` hears every event (a client), or only those `names` (a part of the app that acts
   * on them), in the batches they go out in. Returns what stops it.
   */
  subscribe(listener: Listener, names?: readonly EventName[]): () => void {
    if (this.listeners.has(listener)) return () => this.unsubscribe(listener);
    const only = names ? new Set(names) : null;
    this.listeners.set(listener, only);
    if (!only) this.everything++;
    else for (const n of only) this.some.set(n, (this.some.get(n) ?? 0) + 1);
    return () => this.unsubscribe(listener);
  }

  private unsubscribe(listener: Listener): void {
    if (!this.listeners.has(listener)) return;
    const only = this.listeners.get(listener);
    this.listeners.delete(listener);
    if (!only) {
      this.everything--;
      return;
    }
    for (const n of only) {
      const left = (this.some.get(n) ?? 1) - 1;
      if (left > 0) this.some.set(n, left);
      else this.some.delete(n);
    }
  }

  flush(): void {
    this.scheduled = false;
    if (this.pending.size === 0) return;
    const batch = [...this.pending.values()].map((e) => this.delivered(e));
    this.pending.clear();
    for (const [l, only] of this.listeners) {
      const theirs = only ? batch.filter((e) => only.has(e.name)) : batch;
      if (theirs.length > 0) this.delivering.run(() => l(theirs));
    }
  }

  /** An event as clients get it: an approval with its view, made once for every listener. */
  private delivered(e: Emitted): BatonEvent {
    if (e.name !== 'approval.changed') return e;
    try {
      return { name: e.name, payload: this.viewApproval(e.payload) };
    } catch (err) {
      this.log?.(err, `viewing approval ${e.payload.id} for its event`);
      return { name: e.name, payload: bareView(e.payload) };
    }
  }
}

function keyOf(name: EventName, payload: unknown): string {
  const p = payload as Record<string, unknown>;
  switch (name) {
    case 'task.updated':
      return `${name}:${p.run_id}:${p.task_id}`;
    case 'plan.updated':
      return `${name}:${p.plan_id}`;
    case 'task.step':
      return `${name}:${p.run_id}:${p.task_id}:${p.attempt}:${p.seq}`;
    case 'session.updated':
    case 'landing.updated':
    case 'terminal.changed':
      return `${name}:${p.run_id}:${p.task_id}`;
    case 'workspace.updated':
    case 'workspace.removed':
    case 'webhook.updated':
    case 'webhook.removed':
    case 'delivery.updated':
    case 'schedule.updated':
    case 'schedule.removed':
    case 'trigger.updated':
    case 'trigger.removed':
    case 'workerToken.updated':
    case 'notification':
    case 'notification.opened':
    case 'task.log':
    case 'run.updated':
    case 'memory.written':
    case 'approval.changed':
    case 'agent.updated':
    case 'agent.removed':
    case 'plan.removed':
      return `${name}:${p.id}`;
    case 'terminal.output':
      return `${name}:${p.terminal_id}:${p.seq}`;
    case 'agent.limited':
    case 'agent.available':
      return `${name}:${(p.limit as { account: string }).account}`;
  }
}
