import { useId, useRef } from 'react';

/**
 * A button whose action waits for a yes: it opens a small modal dialog (the `<dialog>` of
 * NewPlanDialog) that asks `question`. The button that says no comes first, so it has the focus;
 * Escape says no too.
 */
export function ConfirmButton({
  label,
  question,
  detail,
  yes,
  no,
  onConfirm,
}: {
  label: string;
  question: string;
  detail: string;
  yes: string;
  no: string;
  onConfirm: () => void;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  const id = useId();
  const close = () => dialog.current?.close();
  return (
    <>
      <button type="button" onClick={() => dialog.current?.showModal()}>
        {label}
      </button>
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
    </>
  );
}
