import type { PortRange, WorktreeSettings } from '../../../../src-shared/schemas/worktrees.ts';
import { DEFAULT_WORKTREE_SETTINGS } from '../../../../src-shared/schemas/worktrees.ts';
import type { Db } from '../../../store/db.ts';

/** Why no block could be given: every block from the base up to 65535 is held by a live worktree. */
export class NoFreePorts extends Error {
  override name = 'NoFreePorts';
}

interface PortRow {
  run_id: string;
  task_id: string;
  workspace_id: string;
  first: number;
  count: number;
}

/**
 * Coding tasks' port blocks (migration 045) and Settings' worktree options. A block is allocated
 * once per task of a run (its attempts keep it), freed by the store's trigger when the task's
 * worktree is recorded removed, and never overlaps another live block.
 */
export function createWorktreePortsRepo(db: Db) {
  const one = db.prepare<[string, string], PortRow>(
    'SELECT * FROM worktree_ports WHERE run_id = ? AND task_id = ?',
  );
  const all = db.prepare<[], PortRow>('SELECT * FROM worktree_ports ORDER BY first');
  // A block whose worktree is gone: its session removed, or its run ended with no worktree kept.
  const sweep = db.prepare(`DELETE FROM worktree_ports WHERE EXISTS (
      SELECT 1 FROM task_sessions s WHERE s.run_id = worktree_ports.run_id
        AND s.task_id = worktree_ports.task_id AND s.state = 'removed')
    OR (NOT EXISTS (SELECT 1 FROM task_sessions s WHERE s.run_id = worktree_ports.run_id
        AND s.task_id = worktree_ports.task_id)
      AND EXISTS (SELECT 1 FROM runs r WHERE r.id = worktree_ports.run_id AND r.status != 'executing'))`);
  const insert = db.prepare(`INSERT INTO worktree_ports (run_id, task_id, workspace_id, first, count, at)
    VALUES (@run_id, @task_id, @workspace_id, @first, @count, @at)`);
  const free = db.prepare('DELETE FROM worktree_ports WHERE run_id = ? AND task_id = ?');
  const kept = db.prepare<
    [],
    {
      run_id: string;
      task_id: string;
      workspace_id: string;
      agent_id: string;
      dir: string;
      branch: string;
      state: 'active' | 'kept';
      updated_at: string;
      run_status: string;
      plan_id: string | null;
      plan_name: string | null;
      first: number | null;
      count: number | null;
    }
  >(`SELECT s.run_id, s.task_id, s.workspace_id, s.agent_id, s.dir, s.branch, s.state, s.updated_at,
      r.status AS run_status, r.plan_id, p.name AS plan_name, w.first, w.count
    FROM task_sessions s JOIN runs r ON r.id = s.run_id
    LEFT JOIN plans p ON p.id = r.plan_id
    LEFT JOIN worktree_ports w ON w.run_id = s.run_id AND w.task_id = s.task_id
    WHERE s.state != 'removed' AND (s.state = 'kept' OR r.status != 'executing')
    ORDER BY s.updated_at DESC, s.run_id, s.task_id`);
  const settingsRow = db.prepare<
    [],
    { editor: string | null; custom_command: string | null; port_base: number; port_block: number }
  >('SELECT editor, custom_command, port_base, port_block FROM worktree_settings WHERE id = 1');
  const saveSettings =
    db.prepare(`INSERT INTO worktree_settings (id, editor, custom_command, port_base, port_block)
    VALUES (1, @editor, @custom_command, @port_base, @port_block)
    ON CONFLICT (id) DO UPDATE SET editor = excluded.editor, custom_command = excluded.custom_command,
      port_base = excluded.port_base, port_block = excluded.port_block`);

  const settings = (): WorktreeSettings => {
    const r = settingsRow.get();
    if (!r) return DEFAULT_WORKTREE_SETTINGS;
    return {
      editor: r.editor,
      custom_command: r.custom_command === null ? null : (JSON.parse(r.custom_command) as string[]),
      port_base: r.port_base,
      port_block: r.port_block,
    };
  };

  return {
    /** Worktrees on disk whose runs ended, or that a person kept: newest first, with their plans and ports. */
    kept: () => kept.all(),
    /** The task's block, if it holds one. */
    get(runId: string, taskId: string): PortRange | null {
      const r = one.get(runId, taskId);
      return r ? { first: r.first, count: r.count } : null;
    },
    /** Every live block, lowest first. */
    list: (): (PortRange & { run_id: string; task_id: string; workspace_id: string })[] => all.all(),
    /**
     * The task's block: the one it holds, else the lowest free one from Settings' base, in one
     * immediate transaction (another process allocating at once waits for it). Throws
     * `NoFreePorts` when none is left below 65536.
     */
    allocate(runId: string, taskId: string, workspaceId: string, at: string): PortRange {
      return db
        .transaction((): PortRange => {
          const held = one.get(runId, taskId);
          if (held) return { first: held.first, count: held.count };
          sweep.run();
          const { port_base: base, port_block: count } = settings();
          const taken = all.all();
          for (let first = base; first + count - 1 <= 65_535; first += count) {
            const last = first + count - 1;
            if (taken.some((t) => first <= t.first + t.count - 1 && t.first <= last)) continue;
            insert.run({ run_id: runId, task_id: taskId, workspace_id: workspaceId, first, count, at });
            return { first, count };
          }
          throw new NoFreePorts(
            `no free block of ${count} ports from ${base} up to 65535: ${taken.length} worktrees hold one (archive kept worktrees, or lower the base in Settings)`,
          );
        })
        .immediate();
    },
    /** Frees the task's block now (an archive; the trigger frees it too once its session is removed). */
    free(runId: string, taskId: string): void {
      free.run(runId, taskId);
    },
    settings,
    saveSettings(s: WorktreeSettings): void {
      saveSettings.run({
        editor: s.editor,
        custom_command: s.custom_command === null ? null : JSON.stringify(s.custom_command),
        port_base: s.port_base,
        port_block: s.port_block,
      });
    },
  };
}
export type WorktreePortsRepo = ReturnType<typeof createWorktreePortsRepo>;
