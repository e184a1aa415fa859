import { useMemo, useState } from 'react';
import { CopyButton } from '../../shared/CopyButton.tsx';
import { ValueView } from '../../shared/ValueView.tsx';

/** A value this short, on one line, is shown as it is beside its key. */
const INLINE = 120;
/** Lines of a long structured value shown before "Show all". */
const FOLDED_LINES = 6;

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * A task's output to read, as Airflow's XCom and GitHub's check summary show one: an object as
 * a line per key, short values beside their key, a long text clamped to a few lines and a long
 * list or object folded, each with "Show all"; "View as JSON" shows it whole as JSON, and Copy
 * takes it whole. An output that is not an object is shown as it is (ValueView).
 */
export function OutputView({ value, taskId }: { value: unknown; taskId: string }) {
  const [json, setJson] = useState(false);
  const label = `Output of ${taskId}`;
  const what = `the output of ${taskId}`;
  const fields = isRecord(value) && Object.keys(value).length > 0;
  if (!fields || json) {
    return (
      <>
        <ValueView value={value} label={label} what={what} />
        {fields && (
          <button type="button" className="link small" onClick={() => setJson(false)}>
            View as fields
          </button>
        )}
      </>
    );
  }
  return (
    <section className="output-view" aria-label={label}>
      <dl className="output-fields">
        {Object.entries(value).map(([key, v]) => (
          <Field key={key} name={key} value={v} />
        ))}
      </dl>
      <div className="value-actions">
        <button type="button" className="small" onClick={() => setJson(true)}>
          View as JSON
        </button>
        <CopyButton text={() => JSON.stringify(value, null, 2)} what={what} />
      </div>
    </section>
  );
}

function Field({ name, value }: { name: string; value: unknown }) {
  const [open, setOpen] = useState(false);
  const { text, kind, lines } = useMemo(() => shape(value), [value]);
  const long = kind !== 'inline';
  return (
    <div className={`output-field ${kind}`}>
      <dt>{name}</dt>
      <dd>
        {kind === 'inline' ? (
          <span className={typeof value === 'string' ? undefined : 'json'}>{text}</span>
        ) : kind === 'text' ? (
          <p className={`field-text${open ? '' : ' clamped'}`}>{text}</p>
        ) : (
          <pre className={`wrap${open ? '' : ' folded'}`}>
            {open ? text : text.split('\n').slice(0, FOLDED_LINES).join('\n')}
          </pre>
        )}
        {long && (kind === 'text' || lines > FOLDED_LINES) && (
          <button
            type="button"
            className="link small"
            aria-expanded={open}
            aria-label={`${open ? 'Show less of' : 'Show all of'} ${name}`}
            onClick={() => setOpen(!open)}
          >
            {open ? 'Show less' : kind === 'json' ? `Show all ${lines} lines` : 'Show all'}
          </button>
        )}
      </dd>
    </div>
  );
}

/** How a value reads: short ones inline, a long text as a paragraph, a large structure as JSON. */
function shape(value: unknown): { text: string; kind: 'inline' | 'text' | 'json'; lines: number } {
  if (typeof value === 'string') {
    const kind = value.length <= INLINE && !value.includes('\n') ? 'inline' : 'text';
    return { text: value === '' ? '""' : value, kind, lines: 1 };
  }
  const compact = JSON.stringify(value) ?? String(value);
  if (compact.length <= INLINE / 2) return { text: compact, kind: 'inline', lines: 1 };
  const pretty = JSON.stringify(value, null, 2);
  return { text: pretty, kind: 'json', lines: pretty.split('\n').length };
}
