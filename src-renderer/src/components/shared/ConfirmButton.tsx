import { useId, useRef } from 'react';

/**
 * A button whose action waits for a yes: it opens a small modal dialog (the `<dialog>` of
 * NewPlanDialog) that asks `question`. The button that says no comes first, so it has the focus;
 * Escape says no too. When there is nothing to ask about (`ask` false), the button acts at once.
 */
export function ConfirmButton({
  label,
  question,
  detail,
  yes,
  no,
  ask = true,
  onConfirm,
}: {
  label: string;
  question: string;
  detail: string;
  yes: string;
  no: string;
  /** Whether to ask first; when false, a click confirms at once (and no dialog is drawn). */
  ask?: boolean;
  onConfirm: () => void;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  const id = useId();
  const close = () => dialog.current?.close();
  return (
    <>
      <button type="button" onClick={() => (ask ? dialog.current?.showModal() : onConfirm())}>
        {label}
      </button>
      {ask && (
        <dialog
          ref={dialog}
          className="dialog"
          role="alertdialog"
          aria-labelledby={`${id}-question`}
          aria-describedby={`${id}-detail`}
        >
          <h2 id={`${id}-question`}>{question}</h2>
          <p id={`${id}-detail`} className="small">
            {detail}
          </p>
          <div className="actions">
            <button type="button" onClick={close}>
              {no}
            </button>
            <button
              type="button"
              className="primary"
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
