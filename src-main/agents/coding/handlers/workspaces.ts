import { readdirSync } from 'node:fs';
import { rm, rmdir } from 'node:fs/promises';
import { dirname, isAbsolute } from 'node:path';
import { actorOfCall } from '../../../../src-shared/contract/caller.ts';
import type { PruneReport, WorkspaceHandlers } from '../../../../src-shared/contract/domains/workspaces.ts';
import type { CodingAgent } from '../../../../src-shared/schemas/agent.ts';
import { storedRemote } from '../../../../src-shared/schemas/forge.ts';
import type { Workspace } from '../../../../src-shared/schemas/workspace.ts';
import { configChangeEntry } from '../../../base/config-audit.ts';
import { AppError, invalidInput } from '../../../base/errors.ts';
import { userEnv } from '../../../processes/user-env.ts';
import { checkEnvironment } from '../checks/check-env.ts';
import { discardWorktree } from '../sessions/cleanup.ts';
import { emptyPool, inspectRepository, pruneWorktrees, WorkspaceError } from '../workspaces/index.ts';
import type { CodingHandlersContext } from './context.ts';
import { branchHandlers } from './task-branches.ts';
import { folderHandlers } from './workspace-folders.ts';
import { workspaceMissing } from './workspace-health.ts';
import { plansByWorkspace } from './workspace-plans.ts';
import { runsUsingWorkspace } from './workspace-refs.ts';

/** What people set of a workspace (not when it was registered): what its audit entries compare. */
const settingsOf = ({ created_at: _, ...settings }: Workspace) => settings;

function countParked(pool: string): number {
  try {
    return readdirSync(pool).filter((n) => n.startsWith('w-')).length;
  } catch {
    return 0;
  }
}

/** Workspaces: the git repositories people register for coding agents. */
export function workspaceHandlers(ctx: CodingHandlersContext): WorkspaceHandlers {
  const { bus, now, coding } = ctx;
  const { store } = coding;
  const found = (id: string): Workspace => {
    const w = store.workspaces.get(id);
    if (!w) throw new AppError('not_found', `workspace "${id}" not found`, { field: 'workspace_id' });
    return w;
  };

  /** Removes what Baton left in one workspace: worktrees of runs that ended, then any other of its own. */
  const prune = async (w: Workspace, includeKept: boolean, report: PruneReport): Promise<void> => {
    const deps = { store, bus, now };
    for (const s of store.sessions.onDisk(w.id)) {
      if (s.run_status === 'executing') {
        report.left.push({ dir: s.dir, run_id: s.run_id, task_id: s.task_id, why: 'its run is executing' });
      } else if (s.state === 'kept' && !includeKept) {
        report.left.push({ dir: s.dir, run_id: s.run_id, task_id: s.task_id, why: 'kept by a person' });
      } else {
        await discardWorktree(deps, s);
        report.removed.push(s.dir);
      }
    }
    // Worktrees under Baton's folder that no session accounts for (a crash while one was being
    // made), and the parked ones: swept only while no run of this workspace executes, in any
    // process, since such a run may be making or taking one right now.
    if (runsUsingWorkspace(store, w.id).length === 0) {
      report.removed.push(...(await emptyPool({ repo: w.path, pool: coding.parkedFolder(w.id) })));
      const swept = await pruneWorktrees({
        repo: w.path,
        root: coding.worktreeRoot,
        keep: report.left.map((l) => l.dir),
      });
      report.removed.push(...swept.removed.map((r) => r.dir));
      report.pruned.push(...swept.pruned);
    }
  };

  // Every change people make to a workspace is in the audit log, field by field (its
  // environment's values hidden). Turning its sandbox off lets its setup command run with the
  // full rights of the person who started Baton: the entry says so in its own words.
  const auditWorkspace = (before: Workspace | undefined, after: Workspace | undefined, actor: string) => {
    const id = (after ?? before)!.id;
    const was = before ? (before.sandbox?.mode ?? 'required') : null;
    const off = after?.sandbox?.mode === 'off' && was !== 'off';
    const entry = configChangeEntry({
      at: now(),
      actor,
      entity: 'workspace',
      entity_id: id,
      what: `workspace "${id}"`,
      before: before && settingsOf(before),
      after: after && settingsOf(after),
      keyed: { checks: 'name' },
      ...(off
        ? {
            from_status: was,
            to_status: 'sandbox off',
            why: `the OS sandbox of workspace "${id}" was turned off: its setup command runs with the full rights of the person who started Baton`,
          }
        : {}),
    });
    if (entry) store.memory.audit(entry);
  };

  // Opening a protected path (`.vscode`, `.mcp.json`) to the workspace's agents is recorded too:
  // what they write there runs in the person's editor or shell.
  const auditOpened = (w: Workspace, before: readonly string[], actor: string) => {
    const opened = (w.allow_protected_writes ?? []).filter((n) => !before.includes(n));
    if (opened.length === 0) return;
    store.memory.audit({
      at: now(),
      actor,
      entity: 'workspace',
      entity_id: w.id,
      run_id: null,
      from_status: null,
      to_status: 'protected paths opened',
      why: `the agents of workspace "${w.id}" may write ${opened.join(', ')} (protected paths, read-only to them otherwise): what they write there is marked in the diff review`,
    });
  };

  return {
    // The parked worktrees are counted by their folders in the pool (no git, no walk of their
    // files: their size would cost a walk of every file); the open ones are the sessions on disk.
    'workspaces.list': () => {
      const plans = plansByWorkspace(store);
      return store.workspaces.list().map((w) => ({
        ...w,
        open_worktrees: store.sessions.onDisk(w.id).length,
        parked_worktrees: countParked(coding.parkedFolder(w.id)),
        plans: plans.get(w.id) ?? [],
        missing: workspaceMissing(w),
      }));
    },
    'workspaces.add': async (input, call) => {
      if (!isAbsolute(input.path))
        throw invalidInput('workspace is invalid', [{ path: 'path', message: 'must be an absolute path' }]);
      let repo: Awaited<ReturnType<typeof inspectRepository>>;
      try {
        repo = await inspectRepository(input.path, input.base_branch);
      } catch (err) {
        if (err instanceof WorkspaceError && err.code !== 'unavailable') {
          const field = (err.details as { field?: string } | undefined)?.field ?? 'path';
          throw invalidInput('workspace is invalid', [
            { path: field, message: err.message.replace(/^[a-z_]+: /, '') },
          ]);
        }
        throw err;
      }
      const workspace: Workspace = {
        id: input.id,
        path: repo.path,
        base_branch: repo.base_branch,
        setup_command: input.setup_command ?? null,
        env: input.env,
        keep_ignored: input.keep_ignored,
        sandbox: input.sandbox ?? null,
        allow_protected_writes: input.allow_protected_writes,
        checks: input.checks,
        remote: input.remote ? storedRemote(input.remote) : null,
        ...(input.approvers ? { approvers: input.approvers } : {}),
        forward_ports: input.forward_ports,
        created_at: now(),
      };
      const added = store.tx(() => {
        if (!store.workspaces.add(workspace)) return false;
        auditWorkspace(undefined, workspace, actorOfCall(null, call));
        auditOpened(workspace, [], actorOfCall(null, call));
        return true;
      });
      if (!added)
        throw new AppError('conflict', `a workspace with id "${input.id}" already exists`, { field: 'id' });
      bus.emit('workspace.updated', workspace);
      return workspace;
    },
    'workspaces.update': (
      {
        workspace_id,
        sandbox,
        allow_protected_writes,
        checks,
        remote,
        setup_command,
        env,
        keep_ignored,
        approvers,
        forward_ports,
      },
      call,
    ) => {
      const updated = store.tx(() => {
        const old = found(workspace_id);
        let w: Workspace = old;
        if (sandbox !== undefined) {
          store.workspaces.setSandbox(workspace_id, sandbox);
          w = { ...w, sandbox };
        }
        if (allow_protected_writes !== undefined) {
          store.workspaces.setAllowProtectedWrites(workspace_id, allow_protected_writes);
          w = { ...w, allow_protected_writes };
          auditOpened(w, old.allow_protected_writes ?? [], actorOfCall(null, call));
        }
        if (checks !== undefined) {
          store.workspaces.setChecks(workspace_id, checks);
          w = { ...w, checks };
        }
        if (remote !== undefined) {
          const stored = remote === null ? null : storedRemote(remote);
          store.workspaces.setRemote(workspace_id, stored);
          w = { ...w, remote: stored };
        }
        if (setup_command !== undefined) {
          store.workspaces.setSetup(workspace_id, setup_command);
          w = { ...w, setup_command };
        }
        if (env !== undefined) {
          store.workspaces.setEnv(workspace_id, env);
          w = { ...w, env };
        }
        if (keep_ignored !== undefined) {
          store.workspaces.setKeepIgnored(workspace_id, keep_ignored);
          w = { ...w, keep_ignored };
        }
        if (approvers !== undefined) {
          store.workspaces.setApprovers(workspace_id, approvers);
          const { approvers: _old, ...rest } = w;
          w = approvers === null ? rest : { ...rest, approvers };
        }
        if (forward_ports !== undefined) {
          store.workspaces.setForwardPorts(workspace_id, forward_ports);
          w = { ...w, forward_ports };
        }
        auditWorkspace(old, w, actorOfCall(null, call));
        return w;
      });
      bus.emit('workspace.updated', updated);
      return updated;
    },
    'workspaces.allowedHosts': ({ workspace_id }) => {
      found(workspace_id);
      return store.sandboxHosts.allowed(`workspace:${workspace_id}`);
    },
    'workspaces.forgetHost': ({ workspace_id, host }, call) => {
      found(workspace_id);
      const forgotten = store.tx(() => {
        const gone = store.sandboxHosts.forget(`workspace:${workspace_id}`, host);
        if (gone)
          store.memory.audit({
            at: now(),
            actor: actorOfCall(null, call),
            entity: 'workspace',
            entity_id: workspace_id,
            run_id: null,
            from_status: null,
            to_status: 'host forgotten',
            why: `${host} is no longer allowed for workspace "${workspace_id}": later attempts are refused it`,
          });
        return gone;
      });
      return { forgotten };
    },
    'workspaces.remove': async ({ workspace_id }, call) => {
      const w = found(workspace_id);
      const runs = runsUsingWorkspace(store, workspace_id);
      if (runs.length > 0)
        throw new AppError(
          'conflict',
          `workspace "${workspace_id}" is used by executing run${runs.length === 1 ? '' : 's'} ${runs.join(', ')}: cancel or finish ${runs.length === 1 ? 'it' : 'them'} first`,
          { runs },
        );
      const onDisk = store.sessions.onDisk(workspace_id);
      if (onDisk.length > 0)
        throw new AppError(
          'conflict',
          `workspace "${workspace_id}" still has ${onDisk.length} worktree${onDisk.length === 1 ? '' : 's'} of Baton's (${onDisk[0]!.dir}${onDisk.length > 1 ? ', …' : ''}): prune them first (baton workspaces prune ${workspace_id} --include-kept)`,
          { worktrees: onDisk.map((s) => s.dir) },
        );
      // Its parked worktrees go with it (nothing of Baton's is left in the repository); of a
      // repository that is gone (or no longer one) only the folder is left to delete.
      const pool = coding.parkedFolder(workspace_id);
      await emptyPool({ repo: w.path, pool }).catch(async (err: unknown) => {
        if (!(err instanceof WorkspaceError)) throw err;
        await rm(pool, { recursive: true, force: true });
      });
      await rmdir(dirname(pool)).catch(() => {}); // `.parked`, when no other workspace has a pool
      const removed = store.tx(() => {
        const gone = store.workspaces.remove(workspace_id);
        if (gone) auditWorkspace(w, undefined, actorOfCall(null, call));
        return gone;
      });
      if (removed) bus.emit('workspace.removed', { id: workspace_id });
      return { removed };
    },
    'workspaces.prune': async ({ workspace_id, include_kept }) => {
      const targets = workspace_id === undefined ? store.workspaces.list() : [found(workspace_id)];
      const reports: PruneReport[] = [];
      for (const w of targets) {
        const report: PruneReport = { workspace_id: w.id, removed: [], pruned: [], left: [] };
        reports.push(report);
        const missing = workspaceMissing(w);
        if (missing !== null) {
          report.missing = missing;
          continue;
        }
        try {
          await prune(w, include_kept, report);
        } catch (err) {
          // One workspace's failure is its own line of the report (with what it removed before);
          // the others are still pruned.
          report.error = err instanceof Error ? err.message : String(err);
        }
      }
      return reports;
    },
    'workspaces.checkEnv': ({ workspace_id }) => checkEnvironment(found(workspace_id)),
    ...folderHandlers(store),
    // The coding CLIs' table (their launches and stream parsers) is loaded when first asked, not at start.
    'workspaces.detectClis': async () =>
      (await import('../clis/detect.ts')).detectClis(
        userEnv(),
        store.agents.list().filter((a): a is CodingAgent => a.kind === 'coding'),
      ),
    ...branchHandlers(ctx),
  };
}
