import { useId, useState } from 'react';
import type { Landing } from '../../../../src-shared/schemas/landing.ts';
import type { Workspace } from '../../../../src-shared/schemas/workspace.ts';
import { useBaton } from '../../store/index.ts';
import { Modal, useModal } from '../shared/Modal.tsx';
import { RouteLink } from '../shared/RouteLink.tsx';
import { landOffer } from './land-offer.ts';

/**
 * Push and Open pull request for work that is done (one coding task's branch, or a completed
 * run's), as Conductor's Create PR and GitHub's pull request box do: the dialog chooses the base,
 * the title and a draft; what happens next shows in the Landing lines. Where the workspace has no
 * remote (or no forge, for a pull request) it says so, with the way to the Workspaces screen.
 */
export function LandWork({
  runId,
  taskId,
  workspaceIds,
  landings,
  defaultTitle,
  draftByPlan,
}: {
  runId: string;
  /** One done task's branch; absent: the run's work. */
  taskId?: string | undefined;
  /** The workspaces its work is in. */
  workspaceIds: readonly string[];
  /** Its landings so far (a task's own, or the run's). */
  landings: readonly Landing[];
  defaultTitle: string;
  draftByPlan: boolean;
}) {
  const workspaces = useBaton((s) => s.workspaces);
  const loaded = useBaton((s) => s.workspacesLoaded);
  const landAsked = useBaton((s) => s.landAsked);
  const [dialog, setDialog] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const named = workspaceIds
    .map((id) => workspaces.find((w) => w.id === id))
    .filter((w): w is Workspace => w !== undefined);
  const offer = landOffer(named, landings);
  if (!loaded || offer.kind === 'landed') return null;
  const what = taskId ? `${taskId}'s work` : "the run's work";
  if (offer.kind === 'no_remote')
    return (
      <p className="small muted land-work" role="note" aria-label={`Landing of ${taskId ?? 'the run'}`}>
        Workspace {offer.workspace} has no remote: its work stays on its branch.{' '}
        <RouteLink to={{ screen: 'workspaces' }} className="link">
          Add a remote
        </RouteLink>{' '}
        to push it or open a pull request.
      </p>
    );
  const push = async () => {
    setBusy(true);
    setError(null);
    setError(await landAsked({ run_id: runId, ...(taskId ? { task_id: taskId } : {}), how: 'push' }));
    setBusy(false);
  };
  return (
    <fieldset className="land-work" aria-label={`Land ${what}`}>
      {offer.push && (
        <button type="button" disabled={busy} onClick={() => void push()} title={`Push to ${offer.remote}`}>
          Push
        </button>
      )}
      {offer.forge ? (
        <button type="button" className="primary" disabled={busy} onClick={() => setDialog(true)}>
          Open pull request…
        </button>
      ) : (
        <span className="muted small">
          A pull request needs a forge on the workspace's remote (
          <RouteLink to={{ screen: 'workspaces' }} className="link">
            Workspaces
          </RouteLink>
          ).
        </span>
      )}
      {error && (
        <p className="field-error small" role="alert">
          {error}
        </p>
      )}
      {dialog && offer.forge && (
        <PullRequestDialog
          what={what}
          forge={offer.forge}
          base={offer.base}
          defaultTitle={defaultTitle}
          draft={draftByPlan}
          onClose={() => setDialog(false)}
          onOpen={(pr) =>
            landAsked({ run_id: runId, ...(taskId ? { task_id: taskId } : {}), how: 'pull_request', ...pr })
          }
        />
      )}
    </fieldset>
  );
}

/** The pull request's base, title and draft, chosen before it is opened. */
function PullRequestDialog({
  what,
  forge,
  base: defaultBase,
  defaultTitle,
  draft: defaultDraft,
  onClose,
  onOpen,
}: {
  what: string;
  forge: string;
  base: string;
  defaultTitle: string;
  draft: boolean;
  onClose(): void;
  onOpen(pr: { base: string; title: string; draft: boolean }): Promise<string | null>;
}) {
  const [base, setBase] = useState(defaultBase);
  const [title, setTitle] = useState(defaultTitle);
  const [draft, setDraft] = useState(defaultDraft);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const changed = base !== defaultBase || title !== defaultTitle || draft !== defaultDraft;
  const modal = useModal({ onClose, changed });
  const id = useId();
  const open = async () => {
    if (title.trim() === '' || base.trim() === '') {
      setError(title.trim() === '' ? 'Title: must not be empty' : 'Base branch: must not be empty');
      return;
    }
    setBusy(true);
    setError(null);
    const refused = await onOpen({ base: base.trim(), title: title.trim(), draft });
    setBusy(false);
    if (refused) setError(refused);
    else modal.close();
  };
  return (
    <Modal modal={modal} label="Open a pull request">
      <h2>Open a pull request of {what}</h2>
      <p className="muted small">
        On {forge}. Baton pushes the branch, opens the pull request and follows it: its checks, a review
        asking for changes (the agent goes back to work), merged.
      </p>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void open();
        }}
      >
        <label htmlFor={`${id}-base`}>Base branch</label>
        <input id={`${id}-base`} value={base} onChange={(e) => setBase(e.target.value)} />
        <label htmlFor={`${id}-title`}>Title</label>
        <input id={`${id}-title`} value={title} onChange={(e) => setTitle(e.target.value)} />
        <label className="check">
          <input type="checkbox" checked={draft} onChange={(e) => setDraft(e.target.checked)} />
          Open as a draft (marked ready for review once its checks pass)
        </label>
        {error && (
          <p className="notice" role="alert">
            {error}
          </p>
        )}
        <div className="actions">
          <button type="button" onClick={modal.requestClose}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={busy}>
            {busy ? 'Opening…' : 'Open pull request'}
          </button>
        </div>
      </form>
    </Modal>
  );
}
