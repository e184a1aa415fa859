import { useBaton } from '../../store/index.ts';

/** Where the keys are in the queue ("3 of 10") and the ones a reviewer uses most, with the way to all of them. */
export function KeysHint({ position, total }: { position: number; total: number }) {
  const setOverlay = useBaton((s) => s.setOverlay);
  return (
    <p className="keys-hint small muted">
      <span className="keys-where">{position > 0 ? `${position} of ${total}` : `${total} waiting`}</span>
      <span>
        <kbd>j</kbd> <kbd>k</kbd> move
      </span>
      <span>
        <kbd>a</kbd> approve
      </span>
      <span>
        <kbd>r</kbd> request changes
      </span>
      <span>
        <kbd>x</kbd> reject
      </span>
      <button type="button" className="link small" onClick={() => setOverlay('keys')}>
        <kbd>?</kbd> all keys
      </button>
    </p>
  );
}
