import { useEffect } from 'react';
import type { HeldDecision } from '../../store/held-decisions.ts';
import { UNDO_WINDOW_MS } from '../../store/held-decisions.ts';
import { useBaton } from '../../store/index.ts';

/**
 * Each decision waiting out its undo window (held-decisions.ts): what was decided, Undo (z in the
 * inbox), and a bar running down to when it is sent. A page left meanwhile (reloaded, closed, gone
 * elsewhere) sends what is held at once and asks the browser to confirm leaving, so the socket has
 * time to carry it; where the browser does not ask (a tab closed on a phone), it is sent as the
 * page goes (`pagehide`), without that time.
 */
export function UndoToasts() {
  const held = useBaton((s) => s.held);
  const flush = useBaton((s) => s.flushHeld);
  const any = held.length > 0;
  useEffect(() => {
    if (!any) return;
    const leaving = (e: BeforeUnloadEvent) => {
      flush();
      e.preventDefault();
    };
    window.addEventListener('beforeunload', leaving);
    window.addEventListener('pagehide', flush);
    return () => {
      window.removeEventListener('beforeunload', leaving);
      window.removeEventListener('pagehide', flush);
    };
  }, [any, flush]);
  return held.map((h) => <UndoToast key={h.id} held={h} />);
}

function UndoToast({ held }: { held: HeldDecision }) {
  const undo = useBaton((s) => s.undoDecision);
  const flush = useBaton((s) => s.flushHeld);
  // The bar starts where the window stands now (a toast drawn late starts shorter).
  const left = Math.max(0, held.due - Date.now());
  return (
    <div className="toast info undo-toast" role="status" aria-label={`Decision: ${held.title}`}>
      <div className="toast-head">
        <strong>{held.title}</strong>
        <span className="actions">
          <button type="button" onClick={() => undo(held.id)}>
            Undo
          </button>
          <button type="button" className="link small" onClick={flush} title="Send it now">
            Send now
          </button>
        </span>
      </div>
      <p className="small">{held.detail}</p>
      <div
        className="undo-clock"
        aria-hidden="true"
        style={{ animationDuration: `${left}ms`, transform: `scaleX(${left / UNDO_WINDOW_MS})` }}
      />
    </div>
  );
}
