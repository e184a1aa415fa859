import { useBaton } from '../../store/index.ts';

/**
 * Where the keys are in the queue ("3 of 10") and the ones a reviewer uses most, with the way to
 * all of them: with approvals picked, a and x decide every one picked; while a decision waits to
 * be sent, z undoes it.
 */
export function KeysHint({ position, total, picked }: { position: number; total: number; picked: number }) {
  const setOverlay = useBaton((s) => s.setOverlay);
  const undoable = useBaton((s) => s.held.length > 0);
  return (
    <p className="keys-hint small muted">
      <span className="keys-where">{position > 0 ? `${position} of ${total}` : `${total} waiting`}</span>
      <span>
        <kbd>j</kbd> <kbd>k</kbd> move
      </span>
      {picked > 0 ? (
        <>
          <span>
            <kbd>a</kbd> approve {picked} picked
          </span>
          <span>
            <kbd>x</kbd> reject {picked} picked
          </span>
        </>
      ) : (
        <>
          <span>
            <kbd>a</kbd> approve
          </span>
          <span>
            <kbd>r</kbd> request changes
          </span>
          <span>
            <kbd>x</kbd> reject
          </span>
          <span>
            <kbd>v</kbd> pick
          </span>
        </>
      )}
      {undoable && (
        <span>
          <kbd>z</kbd> undo
        </span>
      )}
      <button type="button" className="link small" onClick={() => setOverlay('keys')}>
        <kbd>?</kbd> <span>all keys</span>
      </button>
    </p>
  );
}
