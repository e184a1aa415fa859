import { useMemo, useState } from 'react';
import { type OutputKey, outputKeys } from './output-keys.ts';

/** A value longer than this, or on more than one line, is cut with "more" to open it whole. */
const SHORT = 90;

const CHANGE_WORD = { changed: 'changed', 'only-here': 'not in the other run' } as const;

/**
 * One run's output of a task in the comparison, readable and diffable: a line per key with its
 * value, the keys whose value differs from the other run's marked (as GitHub's compare marks the
 * files changed), long values cut to a line with "more" to read them whole.
 */
export function CompareOutput({
  value,
  other,
  label,
}: {
  value: unknown;
  /** The other run's output of the task; undefined when it has no such task (nothing is marked). */
  other: unknown;
  label: string;
}) {
  const keys = useMemo(() => outputKeys(value, other), [value, other]);
  if (keys.length === 0) return <span className="muted">—</span>;
  return (
    <dl className="output-keys" aria-label={label}>
      {keys.map((k) => (
        <KeyLine key={k.key ?? ''} entry={k} />
      ))}
    </dl>
  );
}

function KeyLine({ entry: k }: { entry: OutputKey }) {
  const [open, setOpen] = useState(false);
  const long = k.line.length > SHORT || k.line.includes('\n');
  return (
    <div className={`output-key${k.change === 'same' ? '' : ` ${k.change}`}`}>
      {k.key !== null && (
        <dt>
          {k.key}
          {k.change !== 'same' && (
            <span className="key-change" title={CHANGE_WORD[k.change]}>
              {k.change === 'changed' ? ' ≠' : ' +'}
              <span className="visually-hidden"> ({CHANGE_WORD[k.change]})</span>
            </span>
          )}
        </dt>
      )}
      <dd>
        {open ? (
          <pre className="wrap">{k.full}</pre>
        ) : (
          <span className="key-value">{long ? `${k.line.slice(0, SHORT).trimEnd()}…` : k.line || '""'}</span>
        )}
        {long && (
          <button
            type="button"
            className="link small"
            aria-expanded={open}
            aria-label={`${open ? 'Less of' : 'All of'} ${k.key ?? 'the output'}`}
            onClick={() => setOpen(!open)}
          >
            {open ? 'less' : 'more'}
          </button>
        )}
      </dd>
    </div>
  );
}
