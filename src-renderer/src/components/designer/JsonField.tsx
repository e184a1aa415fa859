import { useEffect, useId, useRef, useState } from 'react';
import type { ZodType } from 'zod';
import { jsonText, parseJsonField } from '../../designer/panel-fields.ts';
import { useBaton } from '../../store/index.ts';
import { FieldNote, noteId, useUnappliedMark } from './FormFields.tsx';

/** Whether a field's text reads as the value (blank as none), so an edit elsewhere need not replace it. */
function holds(text: string, value: unknown): boolean {
  if (text.trim() === '') return value === undefined;
  try {
    return JSON.stringify(JSON.parse(text)) === JSON.stringify(value);
  } catch {
    return false;
  }
}

/**
 * A JSON value in a textarea, checked against its schema when the field is left. A valid value
 * is committed (and laid out again); an invalid one stays as typed, with the problem in words
 * naming where it is (line and column when JSON.parse tells), and is not applied: saving waits.
 * Once a problem shows, it is checked again as typed.
 */
export function JsonField<V>(props: {
  label: string;
  value: V | undefined;
  schema: ZodType<unknown, V>;
  /** What the plan's checks say about the value as committed. */
  error: string | null;
  placeholder?: string;
  hint?: string;
  rows?: number;
  /**
   * Keeps what was typed and not applied when the field is not shown (another task selected, the
   * canvas clicked): under this key, about this task, until it is fixed or cleared.
   */
  keep?: { key: string; task_id: string | null };
  onCommit(value: V | undefined): void;
}) {
  const id = useId();
  const key = props.keep?.key ?? id;
  const mark = useUnappliedMark(key, props.keep && { task_id: props.keep.task_id });
  const [field, setField] = useState(() => {
    const kept = props.keep ? useBaton.getState().unapplied[key] : undefined;
    return kept?.text !== undefined
      ? { text: kept.text, problem: kept.message as string | null }
      : { text: jsonText(props.value), problem: null as string | null };
  });
  // Undo, redo or another edit replaces the text; the commit of this text does not. The value
  // the field opened with is not a change: text kept from before stays.
  const typed = useRef(field.text);
  typed.current = field.text;
  const shownValue = useRef(props.value);
  useEffect(() => {
    if (Object.is(shownValue.current, props.value)) return;
    shownValue.current = props.value;
    if (holds(typed.current, props.value)) return;
    mark(null);
    setField({ text: jsonText(props.value), problem: null });
  }, [props.value, mark]);
  // A kept mark follows its key (the task renamed): the text goes on holding the plan back.
  const problemNow = useRef(field);
  problemNow.current = field;
  const markedKey = useRef(key);
  useEffect(() => {
    if (markedKey.current === key) return;
    useBaton.getState().markUnapplied(markedKey.current, null);
    markedKey.current = key;
    const { text, problem } = problemNow.current;
    if (problem) mark(problem, text);
  }, [key, mark]);
  const { text, problem } = field;
  const read = (t: string) => parseJsonField(props.label, t, props.schema);
  const commit = () => {
    const r = read(text);
    if (!r.ok) {
      setField({ text, problem: r.message });
      mark(r.message, text);
      return;
    }
    mark(null);
    setField({ text: jsonText(r.value), problem: null });
    if (!holds(jsonText(props.value), r.value)) props.onCommit(r.value);
  };
  const error = problem ? `${problem}. Not applied yet.` : props.error;
  return (
    <div className="field">
      <label htmlFor={id}>{props.label}</label>
      <textarea
        id={id}
        className="json"
        rows={props.rows ?? 4}
        spellCheck={false}
        value={text}
        placeholder={props.placeholder}
        aria-invalid={error ? true : undefined}
        aria-describedby={noteId(id, error, props.hint)}
        onChange={(e) => {
          const next = e.target.value;
          const r = problem ? read(next) : null;
          setField({ text: next, problem: r && !r.ok ? r.message : null });
        }}
        onBlur={commit}
      />
      <FieldNote id={id} error={error} hint={props.hint} />
    </div>
  );
}
