import { Fragment, useEffect, useState } from 'react';
import type { PruneReport } from '../../../../src-shared/contract/domains/workspaces.ts';
import { ContractError } from '../../../../src-shared/contract/errors.ts';
import type { Workspace } from '../../../../src-shared/schemas/workspace.ts';
import { api } from '../../api/client.ts';
import { quoteArg } from '../../format/argv.ts';
import { plural } from '../../format/plural.ts';
import { useBaton } from '../../store/index.ts';
import { SandboxBadge } from '../sandbox/SandboxBadge.tsx';
import { ConfirmButton } from '../shared/ConfirmButton.tsx';
import { RelativeTime } from '../shared/RelativeTime.tsx';
import { remoteSummary } from './remote-form.ts';
import { WorkspaceBranches } from './WorkspaceBranches.tsx';
import { WorkspaceChecks } from './WorkspaceChecks.tsx';
import { WorkspaceForm } from './WorkspaceForm.tsx';
import { WorkspaceRemote } from './WorkspaceRemote.tsx';
import { WorkspaceSandbox } from './WorkspaceSandbox.tsx';

/**
 * Workspaces: the git repositories coding agents work in. People register them here (or with
 * `baton workspaces add`); a plan names one by id and never adds one.
 */
export function WorkspacesView() {
  const workspaces = useBaton((s) => s.workspaces);
  const loaded = useBaton((s) => s.workspacesLoaded);
  const loadWorkspaces = useBaton((s) => s.loadWorkspaces);
  useEffect(() => {
    void loadWorkspaces();
  }, [loadWorkspaces]);
  return (
    <div className="page workspaces-page">
      <header className="plan-head">
        <div>
          <h1>Workspaces</h1>
          <p className="muted small">
            Git repositories coding agents work in. Each attempt of a coding task gets its own git worktree on
            branch <code>baton/&lt;run&gt;/&lt;task&gt;</code>, started from the base branch or from the
            branches of the tasks it depends on. A plan names a workspace by id (<code>workspace</code>).
          </p>
        </div>
      </header>
      <div className="settings-layout">
        <section aria-label="Workspace list">
          {!loaded ? (
            <p className="muted">Loading…</p>
          ) : workspaces.length === 0 ? (
            <div className="nothing-waits" role="note" aria-label="No workspaces yet">
              <p className="nothing-title">No workspaces yet.</p>
              <ul>
                <li>A workspace is a git repository on this machine that coding agents work in.</li>
                <li>
                  Add one with the form; a plan's coding tasks name it by id (<code>workspace</code>), and
                  each attempt works on its own branch, so your checkout is never touched.
                </li>
              </ul>
            </div>
          ) : (
            <table className="tasks workspaces" aria-label="Workspaces">
              <thead>
                <tr>
                  <th scope="col">Workspace</th>
                  <th scope="col">Base branch</th>
                  <th scope="col">Worktrees</th>
                  <th scope="col">Setup</th>
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {workspaces.map((w) => (
                  <WorkspaceRow key={w.id} w={w} />
                ))}
              </tbody>
            </table>
          )}
        </section>
        <WorkspaceForm />
      </div>
    </div>
  );
}

function WorkspaceRow({ w }: { w: Workspace }) {
  const notify = useBaton((s) => s.notify);
  const fail = useBaton((s) => s.fail);
  const [report, setReport] = useState<PruneReport | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [editingSandbox, setEditingSandbox] = useState(false);
  const [editingChecks, setEditingChecks] = useState(false);
  const checks = w.checks ?? [];
  const [editingRemote, setEditingRemote] = useState(false);
  const remote = remoteSummary(w.remote);
  const sandboxStatus = useBaton((s) => s.sandboxStatus);
  const envNames = Object.keys(w.env);
  const remove = async () => {
    setError(null);
    try {
      await api.removeWorkspace(w.id);
      notify('info', `Removed workspace ${w.id}`, ['Its repository and branches stay on disk.']);
    } catch (err) {
      // A refusal (a run uses it, worktrees are left) is said on its row, where it applies.
      if (err instanceof ContractError && err.code === 'conflict') setError(err.message);
      else fail(`Workspace ${w.id} was not removed`, err);
    }
  };
  const prune = async (includeKept: boolean) => {
    setError(null);
    try {
      const [r] = await api.pruneWorkspace(w.id, includeKept);
      setReport(r ?? null);
    } catch (err) {
      fail(`Workspace ${w.id} was not pruned`, err);
    }
  };
  return (
    <>
      <tr>
        <th scope="row">
          <div>
            {w.id} {w.missing && <span className="pill status-failed">Missing</span>}
          </div>
          <code className="muted small path">{breakablePath(w.path)}</code>
          {w.missing && (
            <p className="field-error small" role="note" aria-label={`${w.id} is missing`}>
              Missing: {w.missing}. Runs that need it are refused: remove it and add it again where it is now.
            </p>
          )}
          <RelativeTime at={w.created_at} prefix="added" className="muted small added" />
          <PlansNaming plans={w.plans ?? []} />
          <div className="small workspace-remote-state" role="note" aria-label={`Remote of ${w.id}`}>
            {remote ? (
              <span title={w.remote?.url}>lands on {remote}</span>
            ) : (
              <span className="muted">no remote: work stays local</span>
            )}{' '}
            <button
              type="button"
              className="link-button"
              aria-label={`Remote of ${w.id}…`}
              aria-expanded={editingRemote}
              onClick={() => setEditingRemote((v) => !v)}
            >
              {remote ? 'Edit remote…' : 'Add remote…'}
            </button>
          </div>
        </th>
        <td>
          <code>{w.base_branch}</code>
        </td>
        <td className="small">
          <WorktreeUse open={w.open_worktrees ?? 0} parked={w.parked_worktrees ?? 0} />
        </td>
        <td className="small setup">
          {w.setup_command ? <Argv args={w.setup_command} /> : null}
          {envNames.length > 0 && (
            <div
              className="muted"
              title="Environment variables given to the setup command and to every agent working here"
            >
              env {envNames.join(', ')}
            </div>
          )}
          {w.keep_ignored.length > 0 && (
            <div className="muted" title="Ignored paths a reused worktree keeps from its last attempt">
              keeps {w.keep_ignored.join(', ')}
            </div>
          )}
          {!w.setup_command && envNames.length === 0 && w.keep_ignored.length === 0 && (
            <span className="muted">none</span>
          )}
          <div className="workspace-checks-state" role="note" aria-label={`Checks of ${w.id}`}>
            {checks.length === 0 ? (
              <span className="muted">no checks</span>
            ) : (
              <span title="Run after each coding attempt's agent finished">
                checks{' '}
                {checks.map((c, i) => (
                  <span key={c.name}>
                    {i > 0 && ', '}
                    <strong title={c.command.join(' ')}>{c.name}</strong>
                  </span>
                ))}
              </span>
            )}
            <button
              type="button"
              className="link-button"
              aria-label={`Checks of ${w.id}…`}
              aria-expanded={editingChecks}
              onClick={() => setEditingChecks((v) => !v)}
            >
              Edit checks…
            </button>
          </div>
          <div className="workspace-sandbox-state" role="note" aria-label={`Sandbox of ${w.id}`}>
            <SandboxBadge policy={w.sandbox} status={sandboxStatus} why />
            <button
              type="button"
              className="link-button"
              aria-label={`Sandbox of ${w.id}…`}
              aria-expanded={editingSandbox}
              onClick={() => setEditingSandbox((v) => !v)}
            >
              Edit sandbox…
            </button>
          </div>
        </td>
        <td className="row-actions">
          <button
            type="button"
            onClick={() => void prune(false)}
            aria-label={`Prune ${w.id}`}
            disabled={Boolean(w.missing)}
          >
            Prune
          </button>
          <ConfirmButton
            label="Remove"
            name={`Remove ${w.id}`}
            question={`Remove workspace ${w.id}?`}
            detail={`Baton forgets it; the repository ${w.path} and its branches stay. Plans that name it will not validate until it is added again. Refused while a run uses it.`}
            yes="Remove"
            no="Keep it"
            danger
            onConfirm={() => void remove()}
          />
        </td>
      </tr>
      {editingChecks && (
        <tr className="workspace-note">
          <td colSpan={5}>
            <WorkspaceChecks w={w} onDone={() => setEditingChecks(false)} />
          </td>
        </tr>
      )}
      {editingRemote && (
        <tr className="workspace-note">
          <td colSpan={5}>
            <WorkspaceRemote w={w} onDone={() => setEditingRemote(false)} />
          </td>
        </tr>
      )}
      {editingSandbox && (
        <tr className="workspace-note">
          <td colSpan={5}>
            <WorkspaceSandbox w={w} onDone={() => setEditingSandbox(false)} />
          </td>
        </tr>
      )}
      {!w.missing && (
        <tr className="workspace-note">
          <td colSpan={5}>
            <WorkspaceBranches workspaceId={w.id} />
          </td>
        </tr>
      )}
      {(error || report) && (
        <tr className="workspace-note">
          <td colSpan={5}>
            {error && (
              <p className="field-error" role="alert">
                {error}
              </p>
            )}
            {report && <PruneNote report={report} onIncludeKept={() => void prune(true)} />}
          </td>
        </tr>
      )}
    </>
  );
}

/** A path that, when it must wrap, wraps after a slash rather than inside a folder's name. */
function breakablePath(path: string) {
  return path.split('/').map((part, i) => (
    // biome-ignore lint/suspicious/noArrayIndexKey: the parts of one path, in order, never reordered
    <Fragment key={i}>
      {i > 0 && (
        <>
          /<wbr />
        </>
      )}
      {part}
    </Fragment>
  ));
}

/** The plans that name the workspace: a few by name, the rest counted (all of them on hover). */
function PlansNaming({ plans }: { plans: { plan_id: string; name: string }[] }) {
  if (plans.length === 0) return <div className="muted small plans-naming">no plan names it yet</div>;
  const shown = plans.slice(0, 3).map((p) => p.name);
  const more = plans.length - shown.length;
  return (
    <div className="small plans-naming" title={plans.map((p) => p.name).join(', ')}>
      named by {plans.length === 1 ? 'plan' : 'plans'} {shown.join(', ')}
      {more > 0 ? ` and ${more} more` : ''}
    </div>
  );
}

/** The workspace's worktrees on disk: tasks' (in use or kept) and parked ones. */
function WorktreeUse({ open, parked }: { open: number; parked: number }) {
  if (open === 0 && parked === 0) return <span className="muted">none</span>;
  return (
    <>
      {open > 0 && (
        <div title="Tasks' worktrees on disk: in use by a run, or kept by a person">{open} open</div>
      )}
      {parked > 0 && (
        <div
          className="muted"
          title="Finished tasks' worktrees kept for the next attempt, so it need not check out every file; Prune removes them"
        >
          {parked} parked
        </div>
      )}
    </>
  );
}

/** What pruning did: removed worktrees, cleared records, and what it left and why. */
function PruneNote({ report, onIncludeKept }: { report: PruneReport; onIncludeKept(): void }) {
  const kept = report.left.filter((l) => /kept/i.test(l.why));
  return (
    <output className="prune-report" aria-label={`Pruned ${report.workspace_id}`}>
      <span>
        Pruned {report.workspace_id}: {plural(report.removed.length, 'worktree')} removed,{' '}
        {plural(report.pruned.length, 'stale record')} cleared
        {report.left.length > 0 ? `, ${report.left.length} left` : ''}.
      </span>
      {report.left.length > 0 && (
        <ul className="small">
          {report.left.map((l) => (
            <li key={l.dir}>
              <code>{l.dir}</code> ({l.run_id} / {l.task_id}): {l.why}
            </li>
          ))}
        </ul>
      )}
      {kept.length > 0 && (
        <button type="button" onClick={onIncludeKept}>
          Also remove kept worktrees
        </button>
      )}
    </output>
  );
}

/** A command line that wraps between its arguments, not inside one (`npm install --prefer-offline`). */
function Argv({ args }: { args: readonly string[] }) {
  return (
    <code className="argv">
      {args.map((a, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: arguments repeat, and their order is the identity
        <Fragment key={i}>
          {i > 0 && ' '}
          <span className="arg">{quoteArg(a)}</span>
        </Fragment>
      ))}
    </code>
  );
}
