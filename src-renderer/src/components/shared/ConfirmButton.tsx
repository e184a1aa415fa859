import type { ReactNode } from 'react';
import { useId, useRef } from 'react';

/**
 * A button whose action waits for a yes: it opens a small modal dialog (the `<dialog>` of
 * NewPlanDialog) that asks `question`. The button that says no comes first, so it has the focus;
 * Escape says no too. When there is nothing to ask about (`ask` false), the button acts at once.
 * An action that stops, skips or throws away work is `danger`: its yes is red, not the accent.
 * Ctrl+Enter (⌘+Enter) in the dialog says yes, so a comment typed there is sent from the keyboard.
 */
export function ConfirmButton({
  label,
  name,
  question,
  detail,
  yes,
  no,
  ask = true,
  danger = false,
  primary = false,
  disabled = false,
  shortcut,
  children,
  onConfirm,
}: {
  label: string;
  /** The button's name for assistive technology when its words lean on the row it is in ("Remove" → "Remove webapp"). */
  name?: string;
  question: string;
  detail: string;
  yes: string;
  no: string;
  /** Whether to ask first; when false, a click confirms at once (and no dialog is drawn). */
  ask?: boolean;
  /** The yes stops, skips or throws away work. */
  danger?: boolean;
  /** The button itself is the screen's main action. */
  primary?: boolean;
  disabled?: boolean;
  /** What the inbox's keys know the button as (`data-inbox`: `reject`), when it answers an approval. */
  shortcut?: string;
  /** More for the dialog, between the detail and the answers (an optional comment). */
  children?: ReactNode;
  onConfirm: () => void;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  const id = useId();
  const close = () => dialog.current?.close();
  return (
    <>
      <button
        type="button"
        className={primary ? 'primary' : undefined}
        aria-label={name}
        disabled={disabled}
        data-inbox={shortcut}
        onClick={() => (ask ? dialog.current?.showModal() : onConfirm())}
      >
        {label}
      </button>
      {ask && (
        <dialog
          ref={dialog}
          className="dialog"
          role="alertdialog"
          aria-labelledby={`${id}-question`}
          aria-describedby={`${id}-detail`}
          onKeyDown={(e) => {
            if (e.key !== 'Enter' || !(e.ctrlKey || e.metaKey)) return;
            e.preventDefault();
            close();
            onConfirm();
          }}
        >
          <h2 id={`${id}-question`}>{question}</h2>
          <p id={`${id}-detail`} className="small">
            {detail}
          </p>
          {children && <div className="dialog-more">{children}</div>}
          <div className="actions">
            <button type="button" onClick={close}>
              {no}
            </button>
            <button
              type="button"
              className={danger ? 'danger' : 'primary'}
              onClick={() => {
                close();
                onConfirm();
              }}
            >
              {yes}
            </button>
          </div>
        </dialog>
      )}
    </>
  );
}
