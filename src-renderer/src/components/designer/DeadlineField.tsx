import { useId, useRef } from 'react';
import { deadlineOf, localInputOf } from '../../designer/deadline.ts';
import { FieldNote, noteId } from './FormFields.tsx';

/**
 * A task's deadline, picked as a date and time in the browser's time zone and kept as ISO 8601
 * in UTC; its note says what is stored. Every change in one visit of the field is one undo step.
 * A stored value the picker cannot show (an imported plan's) is named until one is picked.
 */
export function DeadlineField({
  value,
  error,
  onCommit,
}: {
  value: string | undefined;
  error: string | null;
  onCommit(v: string | undefined, merge?: string): void;
}) {
  const id = useId();
  const visit = useRef(0);
  const local = localInputOf(value);
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  const hint = !value
    ? `No deadline. Picked in your time zone (${zone}).`
    : local
      ? `Stored as ${value}.`
      : `“${value}” is not a date-time: pick one.`;
  return (
    <div className="field">
      <label htmlFor={id}>Deadline</label>
      <div className="picker-row">
        <input
          id={id}
          type="datetime-local"
          value={local}
          aria-invalid={error ? true : undefined}
          aria-describedby={noteId(id, error, hint)}
          onFocus={() => {
            visit.current++;
          }}
          onChange={(e) => {
            const next = deadlineOf(e.target.value);
            if (next !== value) onCommit(next, `${id}#${visit.current}`);
          }}
        />
        <button type="button" disabled={!value} onClick={() => onCommit(undefined)}>
          Clear
        </button>
      </div>
      <FieldNote id={id} error={error} hint={hint} />
    </div>
  );
}
