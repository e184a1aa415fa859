import type {
  BranchKind,
  DeletedBranches,
  TaskBranchInfo,
  WorkspaceBranches,
  WorkspaceHandlers,
} from '../../../../src-shared/contract/domains/workspaces.ts';
import { deletableKinds } from '../../../../src-shared/contract/domains/workspaces.ts';
import type { TaskSession, Workspace } from '../../../../src-shared/schemas/workspace.ts';
import { AppError } from '../../../base/errors.ts';
import type { TaskBranch } from '../workspaces/index.ts';
import { BATON_BRANCH_PREFIX, deleteTaskBranches, listTaskBranches } from '../workspaces/index.ts';
import type { CodingHandlersContext } from './context.ts';
import { workspaceMissing } from './workspace-health.ts';

type BranchHandlers = Pick<WorkspaceHandlers, 'workspaces.branches' | 'workspaces.deleteBranches'>;

/** A session as the branch cleanup sees it: with its run's status and end, and its task's status. */
export type SessionFacts = TaskSession & {
  run_status: string;
  run_finished_at: string | null;
  task_status: string | null;
};

const DAY_MS = 86_400_000;

/** `baton/<run>/<task>` → its run and task; null for any other name. */
export function parseTaskBranch(name: string): { run_id: string; task_id: string } | null {
  if (!name.startsWith(BATON_BRANCH_PREFIX)) return null;
  const rest = name.slice(BATON_BRANCH_PREFIX.length);
  const slash = rest.indexOf('/');
  if (slash <= 0 || slash === rest.length - 1 || rest.indexOf('/', slash + 1) !== -1) return null;
  return { run_id: rest.slice(0, slash), task_id: rest.slice(slash + 1) };
}

/**
 * What a task branch holds, from git (its tip, start, whether the base holds it, where it is
 * checked out) and from the sessions of this data directory that name it (a resumed task's
 * runs share one branch): see `BranchKind`. Null for a branch Baton did not make: one with
 * neither a start ref nor a session.
 */
export function branchKind(
  b: TaskBranch,
  sessions: readonly SessionFacts[],
  base: string,
): { kind: BranchKind; why: string; task_status: string | null; ended_at: string } | null {
  if (b.start === null && sessions.length === 0) return null;
  const latest = [...sessions].sort((x, y) => x.updated_at.localeCompare(y.updated_at)).at(-1) ?? null;
  const status = latest?.task_status ?? null;
  const ended = sessions.map((s) => s.run_finished_at).filter((t): t is string => t !== null);
  const at = {
    task_status: status,
    ended_at: ended.length > 0 ? ended.sort().at(-1)! : b.committed_at,
  };
  const running = sessions.find((s) => s.run_status === 'executing');
  if (running) return { kind: 'running', why: `its run ${running.run_id} is executing`, ...at };
  if (b.checked_out !== null) return { kind: 'checked_out', why: `checked out in ${b.checked_out}`, ...at };
  if (b.start !== null && b.tip === b.start)
    return { kind: 'empty', why: `nothing past its start${status ? ` (task ${status})` : ''}`, ...at };
  if (b.merged) return { kind: 'merged', why: `${base} holds it`, ...at };
  const kept = sessions.find((s) => s.kept_work?.state === 'kept')?.kept_work;
  if (kept)
    return {
      kind: 'work_in_progress',
      why: `unreviewed work kept from attempt ${kept.attempt} (${kept.ended}), not in ${base}`,
      ...at,
    };
  if (status === 'done') return { kind: 'unmerged', why: `a done task's work, not in ${base} yet`, ...at };
  return {
    kind: 'work_in_progress',
    why: `unreviewed work${status ? ` of a task ${status}` : ''}, not in ${base}`,
    ...at,
  };
}

/**
 * Baton's task branches (`baton/<run>/<task>`) pile up, one per coding task of every run: these
 * list them with what each holds and delete those a person chooses, never one that is not
 * Baton's, one a running run uses or one checked out anywhere, nor kept work or a done task's
 * unmerged work unless the person says so.
 */
export function branchHandlers(ctx: CodingHandlersContext): BranchHandlers {
  const { bus, now } = ctx;
  const { store } = ctx.coding;
  const found = (id: string): Workspace => {
    const w = store.workspaces.get(id);
    if (!w) throw new AppError('not_found', `workspace "${id}" not found`, { field: 'workspace_id' });
    return w;
  };
  /** A workspace's sessions by branch, each with its task's status. */
  const sessionsByBranch = (w: Workspace) => {
    const map = new Map<string, SessionFacts[]>();
    for (const s of store.sessions.ofWorkspace(w.id)) {
      const list = map.get(s.branch) ?? [];
      list.push({ ...s, task_status: store.runs.task(s.run_id, s.task_id)?.status ?? null });
      map.set(s.branch, list);
    }
    return map;
  };
  const listed = async (
    w: Workspace,
  ): Promise<{ info: TaskBranchInfo[]; byName: Map<string, TaskBranchInfo> }> => {
    const sessions = sessionsByBranch(w);
    const info: TaskBranchInfo[] = [];
    for (const b of await listTaskBranches({ repo: w.path, baseBranch: w.base_branch })) {
      const named = parseTaskBranch(b.name);
      if (!named) continue;
      const k = branchKind(b, sessions.get(b.name) ?? [], w.base_branch);
      if (!k) continue;
      info.push({
        name: b.name,
        ...named,
        tip: b.tip,
        kind: k.kind,
        why: k.why,
        ended_at: k.ended_at,
        task_status: k.task_status,
      });
    }
    return { info, byName: new Map(info.map((i) => [i.name, i])) };
  };
  return {
    'workspaces.branches': async ({ workspace_id, run_id, older_than_days }) => {
      const targets = workspace_id === undefined ? store.workspaces.list() : [found(workspace_id)];
      const before = older_than_days === undefined ? null : Date.parse(now()) - older_than_days * DAY_MS;
      const out: WorkspaceBranches[] = [];
      for (const w of targets) {
        const missing = workspaceMissing(w);
        if (missing !== null) {
          out.push({ workspace_id: w.id, branches: [], missing });
          continue;
        }
        const { info } = await listed(w);
        out.push({
          workspace_id: w.id,
          branches: info.filter(
            (b) =>
              (run_id === undefined || b.run_id === run_id) &&
              (before === null || Date.parse(b.ended_at) < before),
          ),
        });
      }
      return out;
    },
    'workspaces.deleteBranches': async ({ workspace_id, branches, include_kept_work, include_unmerged }) => {
      const w = found(workspace_id);
      const missing = workspaceMissing(w);
      if (missing !== null)
        throw new AppError('conflict', `workspace "${w.id}" (${w.path}) is missing: ${missing}`);
      const allowed = new Set<BranchKind>(deletableKinds({ include_kept_work, include_unmerged }));
      const { byName } = await listed(w);
      const report: DeletedBranches = { workspace_id: w.id, deleted: [], left: [] };
      const go: { name: string; tip: string }[] = [];
      for (const b of branches) {
        const info = byName.get(b.name);
        if (!info) report.left.push({ name: b.name, why: 'not one of Baton’s task branches here' });
        else if (!allowed.has(info.kind))
          report.left.push({ name: b.name, why: `${KIND_WORDS[info.kind]}: ${info.why}` });
        else go.push(b);
      }
      if (go.length > 0) {
        const r = await deleteTaskBranches({ repo: w.path, branches: go });
        report.deleted.push(...r.deleted);
        report.left.push(...r.left);
      }
      // Kept work whose branch went is discarded: the task panel no longer offers to resume it.
      const gone = new Set(report.deleted);
      const at = now();
      const changed: TaskSession[] = [];
      store.tx(() => {
        for (const s of store.sessions.ofWorkspace(w.id)) {
          if (!gone.has(s.branch) || s.kept_work?.state !== 'kept') continue;
          const kept = { ...s.kept_work, state: 'discarded' as const };
          store.sessions.setKeptWork(s.run_id, s.task_id, kept, at);
          changed.push({ ...s, kept_work: kept, updated_at: at });
        }
      });
      for (const s of changed) bus.emit('session.updated', s);
      return report;
    },
  };
}

/** Why a kind is left when not allowed, in words. */
const KIND_WORDS: Record<BranchKind, string> = {
  running: 'in use',
  checked_out: 'checked out',
  work_in_progress: 'kept work in progress (delete it only with include_kept_work)',
  unmerged: 'unmerged done work (delete it only with include_unmerged)',
  merged: 'merged',
  empty: 'empty',
};
