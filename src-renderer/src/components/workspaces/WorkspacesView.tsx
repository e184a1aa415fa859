import { useEffect, useRef, useState } from 'react';
import type { PruneReport } from '../../../../src-shared/contract/domains/workspaces.ts';
import { ContractError } from '../../../../src-shared/contract/errors.ts';
import type { Workspace } from '../../../../src-shared/schemas/workspace.ts';
import { api } from '../../api/client.ts';
import { useSandboxStatus } from '../../store/agent-facts.ts';
import { useBaton } from '../../store/index.ts';
import { SandboxBadge } from '../sandbox/SandboxBadge.tsx';
import { ConfirmButton } from '../shared/ConfirmButton.tsx';
import { DataTable, headerColumns } from '../shared/DataTable.tsx';
import { RelativeTime } from '../shared/RelativeTime.tsx';
import { ScreenHead } from '../shared/ScreenHead.tsx';
import { remoteSummary } from './remote-form.ts';
import { WorkspaceBranches } from './WorkspaceBranches.tsx';
import { WorkspaceChecks } from './WorkspaceChecks.tsx';
import { WorkspaceForm } from './WorkspaceForm.tsx';
import { WorkspaceRemote } from './WorkspaceRemote.tsx';
import { WorkspaceSandbox } from './WorkspaceSandbox.tsx';
import { WorkspaceSetup } from './WorkspaceSetup.tsx';
import { setupTextOf } from './workspace-form.ts';
import { Argv, PlansNaming, PruneNote } from './workspace-parts.tsx';

/**
 * Workspaces: the git repositories coding agents work in, one compact row each (as Conductor's
 * repository settings: where it is, where its work lands, its setup script and checks, its
 * sandbox), each part edited in place under its row. People register them here (a folder picked
 * in the app, its origin offered as the remote) or with `baton workspaces add`; a plan names one
 * by id and never adds one.
 */
export function WorkspacesView() {
  const workspaces = useBaton((s) => s.workspaces);
  const loaded = useBaton((s) => s.workspacesLoaded);
  const loadWorkspaces = useBaton((s) => s.loadWorkspaces);
  const [adding, setAdding] = useState(false);
  useEffect(() => {
    void loadWorkspaces();
  }, [loadWorkspaces]);
  const none = loaded && workspaces.length === 0;
  return (
    <div className="page workspaces-page">
      <ScreenHead
        title="Workspaces"
        about={
          <>
            Git repositories coding agents work in. Each attempt of a coding task gets its own worktree on
            branch <code>baton/&lt;run&gt;/&lt;task&gt;</code>, so your checkout is never touched.
          </>
        }
      >
        {!none && !adding && (
          <button type="button" className="primary" onClick={() => setAdding(true)}>
            Add a workspace
          </button>
        )}
      </ScreenHead>
      {(none || adding) && (
        <div className="workspace-adding">
          {none && (
            <div className="nothing-waits" role="note" aria-label="No workspaces yet">
              <p className="nothing-title">No workspaces yet.</p>
              <p className="small">
                Pick a git repository on this machine: coding tasks name it by id, and each attempt works on a
                branch of its own. Its origin, when it has one, is offered as where the work lands.
              </p>
            </div>
          )}
          <WorkspaceForm onDone={none ? undefined : () => setAdding(false)} />
        </div>
      )}
      <section aria-label="Workspace list">
        <DataTable
          label="Workspaces"
          className="workspaces"
          columns={WORKSPACE_COLUMNS}
          rows={loaded ? workspaces : null}
          rowKey={(w) => w.id}
          empty={null}
          row={(w) => <WorkspaceRow w={w} />}
        />
      </section>
    </div>
  );
}

/** The workspaces' columns; each row draws itself, with its parts' editors under it. */
const WORKSPACE_COLUMNS = headerColumns<Workspace>(
  ['Workspace', 'Lands on', 'Setup and checks', 'Sandbox'],
  'Actions',
);

type Editing = 'setup' | 'checks' | 'remote' | 'sandbox';

/** A button that opens (or folds) one part's editor under the row. */
function EditLink({
  part,
  label,
  name,
  editing,
  onEdit,
}: {
  part: Editing;
  label: string;
  name: string;
  editing: Editing | null;
  onEdit(p: Editing | null): void;
}) {
  return (
    <button
      type="button"
      className="link-button"
      aria-label={name}
      aria-expanded={editing === part}
      onClick={() => onEdit(editing === part ? null : part)}
    >
      {label}
    </button>
  );
}

function WorkspaceRow({ w }: { w: Workspace }) {
  const notify = useBaton((s) => s.notify);
  const fail = useBaton((s) => s.fail);
  const [report, setReport] = useState<PruneReport | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [editing, setEditing] = useState<Editing | null>(null);
  // An address that names its Sandbox editor (`/workspaces/<id>/sandbox`, the task panel's link
  // where its ports are not forwarded) opens it, in view; closing it leaves that address.
  const sandboxOpen = useBaton((s) => s.workspaceSandboxOpen === w.id);
  const openSandbox = useBaton((s) => s.openWorkspaceSandbox);
  const rowRef = useRef<HTMLTableRowElement>(null);
  useEffect(() => {
    if (!sandboxOpen) return;
    setEditing('sandbox');
    rowRef.current?.scrollIntoView({ block: 'start' });
  }, [sandboxOpen]);
  const onEdit = (part: Editing | null) => {
    setEditing(part);
    if (sandboxOpen && part !== 'sandbox') openSandbox(null);
  };
  const checks = w.checks ?? [];
  const remote = remoteSummary(w.remote);
  const sandboxStatus = useSandboxStatus();
  const envNames = Object.keys(w.env);
  const setup = w.setup_command;
  const script = setup && setup[0] === 'sh' && setup[1] === '-c' ? setupTextOf(setup) : null;
  const open = w.open_worktrees ?? 0;
  const parked = w.parked_worktrees ?? 0;
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
  const edit = { editing, onEdit };
  return (
    <>
      <tr ref={rowRef}>
        <th scope="row">
          <div className="workspace-name">
            {w.id} {w.missing && <span className="pill status-failed">Missing</span>}
            <code className="base-branch" title="Base branch: tasks branch from it">
              {w.base_branch}
            </code>
          </div>
          <code className="muted small path" title={w.path}>
            {w.path}
          </code>
          {w.missing && (
            <p className="field-error small" role="note" aria-label={`${w.id} is missing`}>
              Missing: {w.missing}. Runs that need it are refused: remove it and add it again where it is now.
            </p>
          )}
          <div className="muted small workspace-use">
            <PlansNaming plans={w.plans ?? []} />
            {(open > 0 || parked > 0) && (
              <span title="Tasks' worktrees on disk (in use by a run, or kept by a person), and finished ones parked for the next attempt">
                {' · '}
                {open > 0 && `${open} open`}
                {open > 0 && parked > 0 && ', '}
                {parked > 0 && `${parked} parked`}
              </span>
            )}
            {' · '}
            <RelativeTime at={w.created_at} prefix="added" />
          </div>
        </th>
        <td className="small">
          <div className="workspace-remote-state" role="note" aria-label={`Remote of ${w.id}`}>
            {remote ? (
              <span title={w.remote?.url}>{remote}</span>
            ) : (
              <span className="muted">no remote: work stays local</span>
            )}
          </div>
          <EditLink
            part="remote"
            label={remote ? 'Edit…' : 'Add remote…'}
            name={`Remote of ${w.id}…`}
            {...edit}
          />
        </td>
        <td className="small setup">
          <div className="workspace-setup-state">
            {setup ? (
              script !== null ? (
                <code className="setup-script" title={script}>
                  {script.split('\n')[0]}
                  {script.includes('\n') ? ' …' : ''}
                </code>
              ) : (
                <Argv args={setup} />
              )
            ) : (
              <span className="muted">no setup</span>
            )}{' '}
            <EditLink part="setup" label="Edit…" name={`Setup of ${w.id}…`} {...edit} />
          </div>
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
            )}{' '}
            <EditLink part="checks" label="Edit checks…" name={`Checks of ${w.id}…`} {...edit} />
          </div>
        </td>
        <td className="small">
          <div className="workspace-sandbox-state" role="note" aria-label={`Sandbox of ${w.id}`}>
            <SandboxBadge policy={w.sandbox} status={sandboxStatus} why />
          </div>
          {w.forward_ports && (
            <div
              className="muted"
              title="A server its agents start in their sandbox on their worktree's ports is reached from this machine (two helper processes per running agent)"
            >
              dev servers reached from here
            </div>
          )}
          <EditLink part="sandbox" label="Edit…" name={`Sandbox of ${w.id}…`} {...edit} />
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
      {editing && (
        <tr className="workspace-note">
          <td colSpan={5}>
            {editing === 'setup' && <WorkspaceSetup w={w} onDone={() => onEdit(null)} />}
            {editing === 'checks' && <WorkspaceChecks w={w} onDone={() => onEdit(null)} />}
            {editing === 'remote' && <WorkspaceRemote w={w} onDone={() => onEdit(null)} />}
            {editing === 'sandbox' && <WorkspaceSandbox w={w} onDone={() => onEdit(null)} />}
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
