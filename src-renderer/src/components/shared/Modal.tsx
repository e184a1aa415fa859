import type { ReactNode, RefObject } from 'react';
import { useEffect, useId, useRef, useState } from 'react';

/** An open-or-closed modal dialog, made by `useModal` and drawn by `Modal`. */
export interface ModalState {
  ref: RefObject<HTMLDialogElement | null>;
  /** Whether the dialog holds changes a close would drop. */
  changed: boolean;
  /** Whether "Discard your changes?" shows. */
  asking: boolean;
  /** Closes now, whatever was typed: after a save, or when the person said Discard. */
  close(): void;
  /** Cancel, × and Escape: closes when nothing was changed, else asks first. */
  requestClose(): void;
  /** Back to the form from the question, every typed value kept, the focus where it was. */
  keepEditing(): void;
  /** What the dialog's `close` event does: the owner's `onClose`, the focus back to the opener. */
  closed(): void;
}

/**
 * The state of a modal `<dialog>`: shown with `showModal()` while `open` (the browser traps the
 * focus in it and makes the page behind inert), closed on Escape, and the focus given back to
 * what opened it. A dialog that holds typed input says so with `changed`: a close then asks
 * first, in the dialog, and nothing typed is lost unless the person says Discard.
 */
export function useModal({
  open = true,
  changed = false,
  onClose,
  initialFocus,
}: {
  open?: boolean;
  changed?: boolean;
  /** After the dialog closed (Escape, Cancel, a save). */
  onClose(): void;
  /** What gets the focus when it opens; by default the browser's choice (the first control). */
  initialFocus?: (dialog: HTMLDialogElement) => HTMLElement | null;
}): ModalState {
  const ref = useRef<HTMLDialogElement>(null);
  const opener = useRef<HTMLElement | null>(null);
  // Where the focus was when the question came up, to go back to it.
  const before = useRef<HTMLElement | null>(null);
  const [asking, setAsking] = useState(false);
  const focusFirst = useRef(initialFocus);
  focusFirst.current = initialFocus;
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (open && !d.open) {
      opener.current = document.activeElement instanceof HTMLElement ? document.activeElement : null;
      d.showModal();
      focusFirst.current?.(d)?.focus();
    } else if (!open && d.open) d.close();
  }, [open]);
  // A dialog unmounted while open (its screen went away) still gives the focus back.
  useEffect(
    () => () => {
      if (opener.current?.isConnected) opener.current.focus();
    },
    [],
  );
  const close = () => ref.current?.close();
  const requestClose = () => {
    if (!changed) return close();
    before.current = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    setAsking(true);
  };
  const keepEditing = () => setAsking(false);
  // Back from the question: the form is no longer inert once React has drawn that, so the focus
  // goes back to where it was (or to the dialog's first field) after the render.
  useEffect(() => {
    if (asking) return;
    const back = before.current;
    before.current = null;
    const d = ref.current;
    if (!back || !d?.open) return;
    if (back.isConnected && d.contains(back)) back.focus();
    else focusFirst.current?.(d)?.focus();
  }, [asking]);
  const closed = () => {
    setAsking(false);
    onClose();
    const o = opener.current;
    opener.current = null;
    if (o?.isConnected) o.focus();
  };
  return { ref, changed, asking, close, requestClose, keepEditing, closed };
}

/**
 * A modal dialog (`className` "dialog" and its own): what `useModal` opens and closes. While it
 * asks "Discard your changes?", the rest of the dialog is inert and Escape goes back to it.
 */
export function Modal({
  modal,
  label,
  className = 'dialog',
  children,
}: {
  modal: ModalState;
  /** Its name for assistive technology (and for tests that find it by role). */
  label: string;
  className?: string;
  children: ReactNode;
}) {
  return (
    <dialog
      ref={modal.ref}
      className={className}
      aria-label={label}
      onClose={modal.closed}
      // Escape is taken at the key, before it becomes a close request: the browser lets a page
      // hold a `cancel` only once per user activation, so a second Escape would close the dialog.
      onKeyDown={(e) => {
        if (e.key !== 'Escape' || e.defaultPrevented || e.nativeEvent.isComposing) return;
        if (modal.asking) {
          e.preventDefault();
          modal.keepEditing();
        } else if (modal.changed) {
          e.preventDefault();
          modal.requestClose();
        }
      }}
      // Other close requests (a platform's back gesture) ask too, where the browser allows it.
      onCancel={(e) => {
        if (!modal.changed) return;
        e.preventDefault();
        if (!modal.asking) modal.requestClose();
      }}
    >
      <div className="modal-content" inert={modal.asking}>
        {children}
      </div>
      {modal.asking && <DiscardQuestion onKeep={modal.keepEditing} onDiscard={modal.close} />}
    </dialog>
  );
}

/** "Discard your changes?", in the dialog: the answer that keeps them first, and focused. */
function DiscardQuestion({ onKeep, onDiscard }: { onKeep(): void; onDiscard(): void }) {
  const id = useId();
  const keep = useRef<HTMLButtonElement>(null);
  useEffect(() => keep.current?.focus(), []);
  return (
    <fieldset className="discard-question" aria-labelledby={`${id}-q`}>
      <div>
        <p id={`${id}-q`}>
          <strong>Discard your changes?</strong>
        </p>
        <p className="muted small">Nothing typed here has been saved yet.</p>
      </div>
      <div className="actions">
        <button type="button" ref={keep} onClick={onKeep}>
          Keep editing
        </button>
        <button type="button" className="danger" onClick={onDiscard}>
          Discard
        </button>
      </div>
    </fieldset>
  );
}
