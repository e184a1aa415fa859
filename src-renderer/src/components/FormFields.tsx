import type { ReactNode } from 'react';
import { useEffect, useId, useState } from 'react';
import type { ZodType } from 'zod';
import { numberOfText, numberProblem } from '../designer/plan-edit.ts';
import { useBaton } from '../store/index.ts';

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
  onCommit(value: string): unknown;
}) {
  const id = useId();
  const markUnapplied = useBaton((s) => s.markUnapplied);
  // A field gone (another task picked, or this one renamed) takes its refused text with it.
  useEffect(() => () => markUnapplied(id, null), [id, markUnapplied]);
  const [value, setValue] = useState(props.value);
  const [refused, setRefused] = useState<{ text: string; reason: string } | null>(null);
  useEffect(() => {
    setValue(props.value);
    setRefused(null);
    markUnapplied(id, null);
  }, [props.value, id, markUnapplied]);
  const commit = () => {
    const r = value !== props.value ? props.onCommit(value) : null;
    const reason = typeof r === 'string' && r !== '' ? r : null;
    setRefused(reason === null ? null : { text: value, reason });
    markUnapplied(id, reason);
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
      {error && <span className="field-error">{error}</span>}
    </div>
  );
}

/** A number as its field shows it; NaN (text that was no number) is replaced only by another value. */
const shown = (v: number | undefined) => (v === undefined || Number.isNaN(v) ? '' : String(v));

/**
 * A number input, checked as it is typed ("Timeout (s) must be a number of seconds, more than
 * 0"). It commits on blur or Enter like a text field; text that is no number commits as NaN,
 * so the plan's checks hold it back from running, and the field keeps the text as typed.
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
  onCommit(v: number | undefined): void;
}) {
  const id = useId();
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
        aria-describedby={error ? `${id}-error` : undefined}
        onChange={(e) => setField({ text: e.target.value, base: field.base })}
        onBlur={commit}
        onKeyDown={(e) => e.key === 'Enter' && commit()}
      />
      {error && (
        <span className="field-error" id={`${id}-error`}>
          {error}
        </span>
      )}
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
  const note = props.error ?? props.hint;
  return (
    <div className="field">
      <label htmlFor={id}>{props.label}</label>
      <select
        id={id}
        value={props.value}
        aria-invalid={props.error ? true : undefined}
        aria-describedby={note ? `${id}-note` : undefined}
        onChange={(e) => props.onChange(e.target.value)}
      >
        {props.children}
      </select>
      {note && (
        <span className={props.error ? 'field-error' : 'field-hint'} id={`${id}-note`}>
          {note}
        </span>
      )}
    </div>
  );
}
