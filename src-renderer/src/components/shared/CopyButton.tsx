import { useEffect, useState } from 'react';
import { copyText } from '../../format/copy.ts';
import { useBaton } from '../../store/index.ts';

/** Copies `text` and says so on the button for a moment. */
export function CopyButton({ text, label, what }: { text: () => string; label?: string; what: string }) {
  const fail = useBaton((s) => s.fail);
  const [copied, setCopied] = useState(false);
  useEffect(() => {
    if (!copied) return;
    const t = setTimeout(() => setCopied(false), 1_500);
    return () => clearTimeout(t);
  }, [copied]);
  return (
    <button
      type="button"
      className="small"
      aria-label={`Copy ${what}`}
      onClick={() =>
        copyText(text()).then(
          () => setCopied(true),
          (err) => fail(`Could not copy ${what}`, err),
        )
      }
    >
      <span aria-live="polite">{copied ? 'Copied' : (label ?? 'Copy')}</span>
    </button>
  );
}
