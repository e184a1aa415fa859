import { CopyButton } from './CopyButton.tsx';

/** One thing shown to copy: a line in an input, or several in a text area. */
export interface ShownFact {
  label: string;
  value: string;
  /** Named by the copy button ("Copy the token"). */
  what: string;
  multiline?: boolean;
}

/**
 * The one time a secret is shown (a trigger's, a worker token): a warning that it will not be
 * shown again, each fact with a copy button, and the button that closes it.
 */
export function ShownOnce({
  title,
  warning,
  facts,
  onDone,
}: {
  title: string;
  warning: string;
  facts: readonly ShownFact[];
  onDone(): void;
}) {
  return (
    <section className="form-panel trigger-created" aria-label={title}>
      <h2>{title}</h2>
      <p className="field-warning-strong" role="note">
        {warning}
      </p>
      <div className="trigger-facts">
        {facts.map((f) => (
          <ShownFactRow key={f.label} fact={f} />
        ))}
      </div>
      <div className="actions">
        <button type="button" onClick={onDone}>
          I have copied it
        </button>
      </div>
    </section>
  );
}

function ShownFactRow({ fact: f }: { fact: ShownFact }) {
  return (
    <>
      {f.multiline ? (
        <label>
          {f.label}
          <textarea readOnly rows={3} value={f.value} spellCheck={false} />
        </label>
      ) : (
        <label>
          {f.label}
          <input type="text" readOnly value={f.value} onFocus={(e) => e.target.select()} />
        </label>
      )}
      <CopyButton text={() => f.value} what={f.what} />
    </>
  );
}
