import { useState } from 'react';
import type { Agent } from '../../../../src-shared/schemas/agent.ts';
import { Modal, useModal } from '../shared/Modal.tsx';
import { AgentForm } from './AgentForm.tsx';
import type { AgentDraft } from './agent-form.ts';
import { draftChanged, draftOf, EMPTY_DRAFT } from './agent-form.ts';

/**
 * Adding or editing an agent as one focused step, over the Agents screen (as n8n opens a
 * credential): a modal dialog that takes the focus into the form, closes on Escape or Cancel
 * (nothing saved; asking first when a field was changed) and after a save, and gives the focus
 * back to what opened it.
 */
export function AgentFormDialog({
  editing,
  prefill,
  onClose,
}: {
  editing: Agent | null;
  /** A new agent's fields filled in already (a detected coding CLI's "Register"). */
  prefill?: AgentDraft | undefined;
  onClose(): void;
}) {
  const title = editing ? `Edit agent ${editing.id}` : 'Add an agent';
  // Opened once, when it mounts: the key given by the screen makes another agent another dialog.
  const filled = editing !== null || prefill !== undefined;
  // The draft lives here, so whether a field changed is known in the same render as the change
  // (an Escape pressed right after typing asks).
  const [start] = useState<AgentDraft>(() => (editing ? draftOf(editing) : (prefill ?? EMPTY_DRAFT)));
  const [draft, setDraft] = useState<AgentDraft>(start);
  // A skill typed but not yet added (no Enter) is a change too.
  const [skillTyped, setSkillTyped] = useState('');
  const changed = draftChanged(start, draft) || skillTyped.trim() !== '';
  const modal = useModal({
    changed,
    onClose,
    // A new agent starts at its kind; one filled in (or edited) at its first field a person changes.
    initialFocus: (d) =>
      filled
        ? d.querySelector<HTMLElement>('.fields input:not([readonly])')
        : d.querySelector<HTMLElement>('form select'),
  });
  return (
    <Modal modal={modal} label={title} className="dialog agent-dialog">
      <button
        type="button"
        className="dialog-close"
        aria-label="Close"
        title="Close (Esc): nothing is saved"
        onClick={modal.requestClose}
      >
        ×
      </button>
      <AgentForm
        editing={editing}
        draft={draft}
        setDraft={setDraft}
        onSkillTyping={setSkillTyped}
        onDone={modal.close}
        onCancel={modal.requestClose}
      />
    </Modal>
  );
}
