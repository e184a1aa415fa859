import type { BatonEvent, BatonEvents, EventBatch, EventName } from '../../src-shared/contract/events.ts';

/**
 * Collects events and delivers them in batches, at most one batch per turn of the event
 * loop. Updates to the same run, task, memory entry or approval within a batch are
 * coalesced to the latest, so a busy run never floods a transport with one message per row.
 */
export class EventBus {
  private pending = new Map<string, BatonEvent>();
  private listeners = new Set<(batch: EventBatch) => void>();
  private scheduled = false;

  emit<E extends EventName>(name: E, payload: BatonEvents[E]): void {
    if (this.listeners.size === 0) return;
    this.pending.delete(keyOf(name, payload));
    this.pending.set(keyOf(name, payload), { name, payload } as BatonEvent);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
  }

  /** Whether anyone listens: lets callers skip building payloads nobody reads. */
  get listening(): boolean {
    return this.listeners.size > 0;
  }

  subscribe(listener: (batch: EventBatch) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  flush(): void {
    this.scheduled = false;
    if (this.pending.size === 0) return;
    const batch = [...this.pending.values()];
    this.pending.clear();
    for (const l of this.listeners) l(batch);
  }
}

function keyOf(name: EventName, payload: unknown): string {
  const p = payload as Record<string, unknown>;
  switch (name) {
    case 'task.updated':
      return `${name}:${p.run_id}:${p.task_id}`;
    case 'plan.updated':
      return `${name}:${p.plan_id}`;
    case 'task.log':
    case 'run.updated':
    case 'memory.written':
    case 'approval.changed':
    case 'agent.updated':
    case 'agent.removed':
      return `${name}:${p.id}`;
  }
}
