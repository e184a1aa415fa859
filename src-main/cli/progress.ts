import type { BatonClient } from '../../src-shared/contract/client.ts';
import type { EventBatch } from '../../src-shared/contract/events.ts';
import type { TaskStatus } from '../../src-shared/schemas/plain/run.ts';
import { isTerminalTaskStatus } from '../../src-shared/schemas/plain/run.ts';

const SYMBOL: Partial<Record<TaskStatus, string>> = {
  done: '✔',
  failed: '✖',
  unassigned: '∅',
  skipped: '↷',
  cancelled: '■',
  in_progress: '▶',
};

/**
 * Shows a run's progress on stderr: on a terminal, one line redrawn in place with a bar;
 * otherwise one line per task that starts or ends.
 */
function createProgress(total: number, out: NodeJS.WriteStream = process.stderr) {
  const tty = out.isTTY === true;
  const status = new Map<string, TaskStatus>();
  let lastDraw = 0;

  function counts() {
    let ended = 0;
    let running = 0;
    let failed = 0;
    for (const s of status.values()) {
      if (isTerminalTaskStatus(s)) ended++;
      if (s === 'in_progress') running++;
      if (s === 'failed' || s === 'unassigned') failed++;
    }
    return { ended, running, failed };
  }

  function draw(force = false) {
    const now = Date.now();
    if (!force && now - lastDraw < 80) return;
    lastDraw = now;
    const { ended, running, failed } = counts();
    const width = 24;
    const filled = total === 0 ? width : Math.round((ended / total) * width);
    const bar = `${'█'.repeat(filled)}${'░'.repeat(width - filled)}`;
    out.write(`\r${bar} ${ended}/${total} ended · ${running} running · ${failed} failed or unassigned\x1b[K`);
  }

  return {
    onBatch(batch: EventBatch): void {
      for (const ev of batch) {
        if (ev.name !== 'task.updated') continue;
        const t = ev.payload;
        const before = status.get(t.task_id);
        status.set(t.task_id, t.status);
        if (tty || before === t.status) continue;
        if (SYMBOL[t.status]) {
          const who = t.agent_id ? ` → ${t.agent_id}` : '';
          const attempt = t.status === 'in_progress' && t.attempt > 1 ? ` (attempt ${t.attempt})` : '';
          const why = t.status === 'in_progress' ? null : (t.reason ?? t.error);
          out.write(
            `${SYMBOL[t.status]} ${t.task_id} ${t.status}${who}${attempt}${why ? ` (${why})` : ''}\n`,
          );
        } else if (t.status === 'ready' && t.retry_at !== null && t.reason) {
          // A failed attempt waiting to be tried again: the reason says which and when.
          out.write(`↻ ${t.task_id} ${t.reason}\n`);
        }
      }
      if (tty) draw();
    },
    end(): void {
      if (tty) {
        draw(true);
        out.write('\n');
      }
    },
  };
}

export interface ProgressWatch {
  /** The run to show, once known (a run about to start has no id yet): events until then wait. */
  follow(runId: string): void;
  /** Ends the display. */
  stop(): void;
}

/**
 * Shows a run's progress from the events `client` receives until `stop`. Only that run's: a
 * Baton host sends the events of every run it executes. Watch before the run moves, so nothing
 * it does is missed; a run that has no id yet is named with `follow` when it has one.
 */
export function watchProgress(client: BatonClient, total: number, runId?: string): ProgressWatch {
  const progress = createProgress(total);
  let only = runId ?? null;
  const early: EventBatch[] = [];
  const show = (batch: EventBatch) => {
    const mine = batch.filter((ev) => ev.name !== 'task.updated' || ev.payload.run_id === only);
    if (mine.length > 0) progress.onBatch(mine);
  };
  const off = client.onBatch((batch) => {
    if (only === null) early.push(batch);
    else show(batch);
  });
  return {
    follow(id) {
      only = id;
      for (const batch of early.splice(0)) show(batch);
    },
    stop() {
      off();
      early.length = 0;
      progress.end();
    },
  };
}
