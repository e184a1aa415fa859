import { useEffect, useRef } from 'react';
import type { Agent } from '../../../../src-shared/schemas/agent.ts';
import { AgentForm } from './AgentForm.tsx';
import type { AgentDraft } from './agent-form.ts';

/**
 * Adding or editing an agent as one focused step, over the Agents screen (as n8n opens a
 * credential): a modal dialog that takes the focus into the form, closes on Escape or Cancel
 * (nothing saved) and after a save, and gives the focus back to what opened it.
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
  const dialog = useRef<HTMLDialogElement>(null);
  const title = editing ? `Edit agent ${editing.id}` : 'Add an agent';
  // Opened once, when it mounts: the key given by the screen makes another agent another dialog.
  const filled = editing !== null || prefill !== undefined;
  useEffect(() => {
    const d = dialog.current;
    if (!d) return;
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    if (!d.open) d.showModal();
    // A new agent starts at its kind; one filled in (or edited) at its first field a person changes.
    const first = filled
      ? d.querySelector<HTMLElement>('.fields input:not([readonly])')
      : d.querySelector<HTMLElement>('form select');
    first?.focus();
    return () => {
      if (opener?.isConnected) opener.focus();
    };
  }, [filled]);
  return (
    <dialog ref={dialog} className="dialog agent-dialog" aria-label={title} onClose={onClose}>
      <button
        type="button"
        className="dialog-close"
        aria-label="Close"
        title="Close (Esc): nothing is saved"
        onClick={() => dialog.current?.close()}
      >
        ×
      </button>
      <AgentForm editing={editing} prefill={prefill} onDone={() => dialog.current?.close()} />
    </dialog>
  );
}
