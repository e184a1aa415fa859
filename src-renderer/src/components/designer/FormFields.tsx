import type { ReactNode } from 'react';
import { useCallback, useEffect, useId, useRef, useState } from 'react';
import type { ZodType } from 'zod';
import { numberOfText, numberProblem } from '../../designer/plan-edit.ts';
import { useBaton } from '../../store/index.ts';

/** The id of a field's note (its problem, or else its hint), for the control's aria-describedby. */
export const noteId = (id: string, error: string | null | undefined, hint?: string | null) =>
  error || hint ? `${id}-note` : undefined;

/** Under a field: the problem with its value, or else a hint; nothing when neither. */
export function FieldNote({
  id,
  error,
  hint,
}: {
  id: string;
  error: string | null | undefined;
  hint?: string | null;
}) {
  if (error)
    return (
      <span className="field-error" id={`${id}-note`}>
        {error}
      </span>
    );
  if (hint)
    return (
      <span className="field-hint" id={`${id}-note`}>
        {hint}
      </span>
    );
  return null;
}

/**
 * Marks field `id`'s typed value as not applied (with why; saving waits) or applied (null).
 * The mark goes with the field (another task picked, or this one renamed), unless it is `kept`:
 * then it stays with the text typed, for the field to show again, and holds the plan back
 * until the person fixes or clears it.
 */
export function useUnappliedMark(
  id: string,
  kept?: { task_id: string | null },
): (problem: string | null, text?: string) => void {
  const markUnapplied = useBaton((s) => s.markUnapplied);
  const keep = kept !== undefined;
  const taskId = kept?.task_id ?? null;
  useEffect(() => (keep ? undefined : () => markUnapplied(id, null)), [id, keep, markUnapplied]);
  return useCallback(
    (problem, text) =>
      markUnapplied(id, problem, { task_id: taskId, ...(keep && text !== undefined ? { text } : {}) }),
    [id, keep, taskId, markUnapplied],
  );
}

/**
 * A text input that commits on blur or Enter, so undo steps are whole edits. A commit may be
 * refused (`onCommit` returns why): the field keeps the text as typed with the refusal as its
 * error, and saving waits, until the text is changed or a commit is taken.
 */
export function TextField(props: {
  label: string;
  value: string;
  error: string | null;
  multiline?: boolean;
  placeholder?: string;
  /** Checks the text as typed; its problem shows before the plan's. */
  check?: (text: string) => string | null;
  /** Applies the text; returns a reason (in words naming the field) when it refuses it instead. */
  // biome-ignore lint/suspicious/noConfusingVoidType: an edit that cannot be refused returns nothing
  onCommit(value: string): string | null | void;
}) {
  const id = useId();
  const mark = useUnappliedMark(id);
  const [value, setValue] = useState(props.value);
  const [refused, setRefused] = useState<{ text: string; reason: string } | null>(null);
  useEffect(() => {
    setValue(props.value);
    setRefused(null);
    mark(null);
  }, [props.value, mark]);
  const commit = () => {
    const r = value !== props.value ? props.onCommit(value) : null;
    const reason = r || null;
    setRefused(reason === null ? null : { text: value, reason });
    mark(reason);
  };
  const refusal = refused?.text === value ? refused.reason : null;
  const error = refusal ?? props.check?.(value) ?? props.error;
  const invalid = error ? true : undefined;
  return (
    <div className="field">
      <label htmlFor={id}>{props.label}</label>
      {props.multiline ? (
        <textarea
          id={id}
          rows={3}
          value={value}
          placeholder={props.placeholder}
          aria-invalid={invalid}
          onChange={(e) => setValue(e.target.value)}
          onBlur={commit}
        />
      ) : (
        <input
          id={id}
          type="text"
          value={value}
          placeholder={props.placeholder}
          aria-invalid={invalid}
          onChange={(e) => setValue(e.target.value)}
          onBlur={commit}
          onKeyDown={(e) => e.key === 'Enter' && commit()}
        />
      )}
      <FieldNote id={id} error={error} />
    </div>
  );
}

/** A number as its field shows it; NaN (text that was no number) is replaced only by another value. */
const shown = (v: number | undefined) => (v === undefined || Number.isNaN(v) ? '' : String(v));

/**
 * A number input, checked as it is typed ("Timeout (s) must be a number of seconds, more than
 * 0"). A valid number is applied as it is typed, so what depends on it (the budget check) follows
 * at once; every such change in one visit of the field shares a `merge` key, one step to undo.
 * Text that is no number commits on blur or Enter, as NaN, so the plan's checks hold it back
 * from running, and the field keeps the text as typed.
 */
export function NumberField(props: {
  label: string;
  value: number | undefined;
  /** What the plan's checks say about the field as committed. */
  error: string | null;
  /** The field's schema, to check the text as typed. */
  schema: ZodType;
  /** Shown while blank: what a blank field means. */
  placeholder?: string;
  /** Under the field while it has no problem: what it does. */
  hint?: string | null;
  /** Applies a value; `merge` is given while it is typed (one key per visit of the field). */
  onCommit(v: number | undefined, merge?: string): void;
}) {
  const id = useId();
  const visit = useRef(0);
  // The text as typed, and as it was when last loaded or committed (to tell an edit in progress).
  const [field, setField] = useState(() => ({ text: shown(props.value), base: shown(props.value) }));
  // Undo, redo or another edit replaces the text; the commit of this text does not.
  useEffect(() => {
    setField((f) =>
      Object.is(numberOfText(f.text), props.value)
        ? f
        : { text: shown(props.value), base: shown(props.value) },
    );
  }, [props.value]);
  const { text } = field;
  const typed = numberOfText(text);
  const editing = text !== field.base;
  const error = numberProblem(props.label, text, props.schema) ?? (editing ? null : props.error);
  const commit = () => {
    setField({ text, base: text });
    if (!Object.is(typed, props.value)) props.onCommit(typed);
  };
  return (
    <div className="field">
      <label htmlFor={id}>{props.label}</label>
      <input
        id={id}
        type="text"
        inputMode="decimal"
        value={text}
        placeholder={props.placeholder}
        aria-invalid={error ? true : undefined}
        aria-describedby={noteId(id, error, props.hint)}
        onFocus={() => {
          visit.current++;
        }}
        onChange={(e) => {
          const next = e.target.value;
          setField({ text: next, base: field.base });
          const value = numberOfText(next);
          if (numberProblem(props.label, next, props.schema) === null && !Object.is(value, props.value))
            props.onCommit(value, `${id}#${visit.current}`);
        }}
        onBlur={commit}
        onKeyDown={(e) => e.key === 'Enter' && commit()}
      />
      <FieldNote id={id} error={error} hint={props.hint} />
    </div>
  );
}

/** A select with its label, and under it a hint or the problem with the value chosen. */
export function SelectField(props: {
  label: string;
  value: string;
  hint?: string | null;
  error?: string | null;
  onChange(value: string): void;
  children: ReactNode;
}) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{props.label}</label>
      <select
        id={id}
        value={props.value}
        aria-invalid={props.error ? true : undefined}
        aria-describedby={noteId(id, props.error, props.hint)}
        onChange={(e) => props.onChange(e.target.value)}
      >
        {props.children}
      </select>
      <FieldNote id={id} error={props.error} hint={props.hint} />
    </div>
  );
}
