import { useBaton } from '../../store/index.ts';

/** Whether the person may decide the current approval (`mayDecide`), and why not. */
export type Deciding = { ok: true } | { ok: false; why: string };

/**
 * Where the keys are in the queue ("3 of 10") and the ones a reviewer uses most, with the way to
 * all of them: with approvals picked, a and x decide every one picked; while a decision waits to
 * be sent, z undoes it. Someone who may not decide the current one (a viewer, or not among its
 * deciders) is offered no deciding key, and told why.
 */
export function KeysHint({
  position,
  total,
  picked,
  deciding,
}: {
  position: number;
  total: number;
  picked: number;
  deciding: Deciding;
}) {
  const setOverlay = useBaton((s) => s.setOverlay);
  const undoable = useBaton((s) => s.held.length > 0);
  return (
    <p className="keys-hint small muted">
      <span className="keys-where">{position > 0 ? `${position} of ${total}` : `${total} waiting`}</span>
      <span>
        <kbd>j</kbd> <kbd>k</kbd> move
      </span>
      {!deciding.ok ? (
        <span className="keys-why">Not yours to decide: {deciding.why}</span>
      ) : picked > 0 ? (
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
