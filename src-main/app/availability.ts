import type { Agent } from '../../src-shared/schemas/agent.ts';
import { probeUrl } from '../../src-shared/schemas/plain/agent.ts';
import { BackgroundWork } from '../base/background.ts';
import type { ErrorLog } from '../base/log-line.ts';
import type { Engine } from '../engine/engine.ts';
import type { EventBus } from '../events/event-bus.ts';
import type { Store } from '../store/store.ts';

const AUTO_TAG = 'auto-offline';

/**
 * Probes agents that have an endpoint. Any HTTP answer means reachable; a refused or timed-out
 * connection means not. An unreachable ONLINE/BUSY agent goes OFFLINE (tagged `auto-offline`),
 * and comes back ONLINE when it answers again; statuses a person set are left alone.
 */
export function createAvailability(deps: {
  store: Store;
  engine: Engine;
  bus: EventBus;
  now: () => string;
  timeoutMs?: number;
  /** Where a probe round that failed (a full disk) is told, once in a row; stderr by default. */
  log?: ErrorLog;
}) {
  const timeoutMs = deps.timeoutMs ?? 3_000;
  async function reachable(url: string): Promise<boolean> {
    try {
      const res = await fetch(url, {
        method: 'GET',
        signal: AbortSignal.timeout(timeoutMs),
        redirect: 'manual',
      });
      await res.body?.cancel();
      return true;
    } catch {
      return false;
    }
  }
  async function probeAll(): Promise<{ id: string; reachable: boolean }[]> {
    const results: { id: string; reachable: boolean }[] = [];
    await Promise.all(
      deps.store.agents.list().map(async (agent) => {
        const url = probeUrl(agent);
        if (!url) return;
        const ok = await reachable(url);
        results.push({ id: agent.id, reachable: ok });
        const current = deps.store.agents.get(agent.id);
        if (!current) return;
        const auto = current.tags.includes(AUTO_TAG);
        let next: Agent | null = null;
        if (!ok && (current.status === 'ONLINE' || current.status === 'BUSY')) {
          next = { ...current, status: 'OFFLINE', tags: [...current.tags, AUTO_TAG] };
        } else if (ok && auto && current.status === 'OFFLINE') {
          next = { ...current, status: 'ONLINE', tags: current.tags.filter((t) => t !== AUTO_TAG) };
        }
        if (next) {
          const saved = deps.store.tx(() => deps.store.agents.save(next, deps.now()));
          deps.engine.agentsChanged();
          deps.bus.emit('agent.updated', saved);
        }
      }),
    );
    return results;
  }
  let timer: NodeJS.Timeout | null = null;
  return {
    probeAll,
    /** Probes now and then every `intervalMs`. */
    start(intervalMs = 30_000): void {
      if (timer) return;
      const rounds = new BackgroundWork('probing agents', deps.log);
      rounds.run(probeAll);
      timer = rounds.every(intervalMs, probeAll);
    },
    stop(): void {
      if (timer) clearInterval(timer);
      timer = null;
    },
  };
}
