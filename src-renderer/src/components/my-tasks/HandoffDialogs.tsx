import { useEffect, useState } from 'react';
import { createPortal } from 'react-dom';
import type { PersonTask } from '../../../../src-shared/contract/domains/work.ts';
import { useBaton } from '../../store/index.ts';
import { Modal, useModal } from '../shared/Modal.tsx';
import { handOptions, personName } from './team-groups.ts';

/** A task as the handoff dialogs show it. */
export type HandedTask = Pick<
  PersonTask,
  'run_id' | 'task_id' | 'description' | 'required_skills' | 'held_by'
>;

/**
 * Hands a task to another person: every other person is offered, those who cannot take it
 * (a skill missing, away, holding all they may) marked and not choosable; a note for the audit
 * log. What the host refuses is said in the dialog, which stays open.
 */
export function ReassignDialog({ task, onClose }: { task: HandedTask; onClose(): void }) {
  const reassign = useBaton((s) => s.reassignTask);
  // Who holds how much is read afresh as the dialog opens: capacities change as people take tasks.
  const loadTeam = useBaton((s) => s.loadTeam);
  useEffect(() => {
    void loadTeam();
  }, [loadTeam]);
  const people = useBaton((s) => s.team?.people);
  const options = people ? handOptions(people, task) : [];
  const [picked, setTo] = useState<string | null>(null);
  const to = picked ?? options.find((o) => o.why === null)?.person.id ?? '';
  const [note, setNote] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const modal = useModal({ changed: note !== '', onClose });
  const holder = people?.find((p) => p.id === task.held_by);
  // Drawn at the page's root, not inside the row or card that opened it (whose styles it would take).
  return createPortal(
    <Modal modal={modal} label={`Reassign ${task.task_id}`}>
      <form
        onSubmit={async (e) => {
          e.preventDefault();
          if (!to) return setError('Choose who takes the task.');
          setBusy(true);
          const why = await reassign(task, to, note);
          setBusy(false);
          if (why) setError(why);
          else modal.close();
        }}
      >
        <h2>Reassign {task.task_id}</h2>
        <p className="small">{task.description || <span className="muted">no description</span>}</p>
        <p className="muted small">
          {task.held_by
            ? `${holder ? personName(holder) : task.held_by} holds it now: their attempt ends as given back, not failed. `
            : 'It waits to be taken. '}
          The person you choose holds it at once and finds it under Mine.
        </p>
        <label>
          Hand it to
          <select value={to} onChange={(e) => setTo(e.target.value)} aria-invalid={error !== null && !to}>
            {options.length === 0 && (
              <option value="">{people ? 'nobody else is a person here' : 'reading who is here…'}</option>
            )}
            {options.map(({ person, why }) => (
              <option key={person.id} value={person.id} disabled={why !== null}>
                {personName(person)}
                {person.name ? ` (${person.id})` : ''}
                {why ? ` — ${why}` : ''}
              </option>
            ))}
          </select>
        </label>
        <label>
          Note (kept in the audit log)
          <textarea rows={2} value={note} onChange={(e) => setNote(e.target.value)} />
        </label>
        {error && (
          <p role="alert" className="field-error">
            Not reassigned: {error}
          </p>
        )}
        <div className="actions">
          <button type="button" onClick={modal.requestClose}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={busy || options.every((o) => o.why !== null)}>
            {busy ? 'Reassigning…' : 'Reassign'}
          </button>
        </div>
      </form>
    </Modal>,
    document.body,
  );
}

/** Gives back a task you hold: it waits in the queue again; the attempt ends as given back. */
export function GiveBackDialog({ task, onClose }: { task: HandedTask; onClose(): void }) {
  const giveBack = useBaton((s) => s.giveBackTask);
  const [note, setNote] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const modal = useModal({ changed: note !== '', onClose });
  return createPortal(
    <Modal modal={modal} label={`Give back ${task.task_id}`}>
      <form
        onSubmit={async (e) => {
          e.preventDefault();
          setBusy(true);
          const why = await giveBack(task, note);
          setBusy(false);
          if (why) setError(why);
          else modal.close();
        }}
      >
        <h2>Give back {task.task_id}?</h2>
        <p className="small">{task.description || <span className="muted">no description</span>}</p>
        <p className="muted small">
          It goes back to the queue for anyone with its skills ({task.required_skills.join(', ') || 'none'}).
          Your attempt ends as given back: not failed, and it uses none of the task's retries.
        </p>
        <label>
          Why (optional, kept in the audit log)
          <textarea rows={2} value={note} onChange={(e) => setNote(e.target.value)} />
        </label>
        {error && (
          <p role="alert" className="field-error">
            Not given back: {error}
          </p>
        )}
        <div className="actions">
          <button type="button" onClick={modal.requestClose}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={busy}>
            {busy ? 'Giving back…' : 'Give back'}
          </button>
        </div>
      </form>
    </Modal>,
    document.body,
  );
}
