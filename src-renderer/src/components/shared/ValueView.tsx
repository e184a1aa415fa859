import { useMemo, useState } from 'react';
import { CopyButton } from './CopyButton.tsx';

/** Lines shown before "Show all". */
const FOLDED = 14;

/**
 * A value to read: text as it is, anything else as indented JSON; long lines wrap instead of
 * running off the panel, a long value is folded to its first lines with "Show all", and Copy
 * takes it whole.
 */
export function ValueView({ value, label, what }: { value: unknown; label: string; what: string }) {
  const text = useMemo(() => (typeof value === 'string' ? value : JSON.stringify(value, null, 2)), [value]);
  const lines = useMemo(() => text.split('\n').length, [text]);
  const [open, setOpen] = useState(false);
  const folded = lines > FOLDED && !open;
  return (
    <section className="value-view" aria-label={label}>
      <pre className={`wrap${folded ? ' folded' : ''}`}>
        {folded ? text.split('\n').slice(0, FOLDED).join('\n') : text}
      </pre>
      <div className="value-actions">
        {lines > FOLDED && (
          <button type="button" className="small" aria-expanded={open} onClick={() => setOpen(!open)}>
            {open ? 'Show less' : `Show all ${lines} lines`}
          </button>
        )}
        <CopyButton text={() => text} what={what} />
      </div>
    </section>
  );
}
