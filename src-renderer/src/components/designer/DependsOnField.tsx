import type { KeyboardEvent } from 'react';
import { useEffect, useId, useMemo, useRef, useState } from 'react';
import { dependencyChoices, matchingIds } from '../../designer/panel-fields.ts';
import { connect, disconnect } from '../../designer/plan-edit.ts';
import { useBaton } from '../../store/index.ts';
import { RemovableChip } from '../shared/RemovableChip.tsx';

/** Above this many tasks to choose from, the picker is a text box with suggestions, not a list of them all. */
const LISTED = 500;

/**
 * The tasks a task waits for, as chips with a remove button each, and a picker of the other
 * tasks to add one: the same edit as drawing an arrow in the graph, refused the same way.
 */
export function DependsOnField({
  taskId,
  dependsOn,
  error,
}: {
  taskId: string;
  dependsOn: readonly string[];
  error: string | null;
}) {
  const id = useId();
  // The tasks, not their ids: a selector that maps every task would run on each store change (a drag, say).
  const tasks = useBaton((s) => s.draft?.tasks);
  const ids = useMemo(() => tasks?.map((t) => t.task_id) ?? [], [tasks]);
  const edit = useBaton((s) => s.edit);
  const tryEdit = useBaton((s) => s.tryEdit);
  const picker = useRef<HTMLSelectElement & HTMLInputElement>(null);
  const [pick, setPick] = useState('');
  const [refusal, setRefusal] = useState<string | null>(null);
  const choices = useMemo(
    () => dependencyChoices(tasks ?? [], taskId, dependsOn),
    [tasks, taskId, dependsOn],
  );
  const typed = choices.length > LISTED;
  // A removed chip's button is gone: the keyboard goes on in the picker (once it is enabled again).
  const refocus = useRef(false);
  useEffect(() => {
    if (refocus.current) {
      refocus.current = false;
      picker.current?.focus();
    }
  });

  const add = () => {
    const from = pick.trim();
    if (!from || !tasks) return;
    if (!ids.includes(from)) {
      setRefusal(`Not added: there is no task "${from}".`);
      return;
    }
    const refused = tryEdit((p) => connect(p, from, taskId));
    if (refused !== null) {
      setRefusal(`Not added: ${refused}.`);
      return;
    }
    setRefusal(null);
    setPick('');
  };
  const remove = (dep: string) => {
    edit((p) => disconnect(p, dep, taskId));
    setRefusal(null);
    refocus.current = true;
  };
  const shown = refusal ?? error;
  const pickerProps = {
    ref: picker,
    'aria-label': 'Add dependency',
    value: pick,
    'aria-invalid': shown ? true : undefined,
    'aria-describedby': shown ? `${id}-error` : undefined,
    onChange: (e: { target: { value: string } }) => {
      setPick(e.target.value);
      setRefusal(null);
    },
    onKeyDown: (e: KeyboardEvent) => {
      if (e.key === 'Enter') {
        e.preventDefault();
        add();
      }
    },
  };
  return (
    <fieldset className="depends-on">
      <legend>Depends on</legend>
      {dependsOn.length === 0 ? (
        <span className="field-hint">Nothing: this task can start first.</span>
      ) : (
        <ul className="chips" aria-label="Dependencies">
          {dependsOn.map((dep) => (
            <RemovableChip
              key={dep}
              as="li"
              text={dep}
              removeLabel={`Remove dependency ${dep}`}
              onRemove={() => remove(dep)}
            />
          ))}
        </ul>
      )}
      <div className="picker-row">
        {typed ? (
          <>
            <input
              type="text"
              list={`${id}-ids`}
              placeholder="Type a task id to wait for…"
              {...pickerProps}
            />
            <datalist id={`${id}-ids`}>
              {matchingIds(choices, pick).map((t) => (
                <option key={t} value={t} />
              ))}
            </datalist>
          </>
        ) : (
          <select disabled={choices.length === 0} {...pickerProps}>
            <option value="">
              {choices.length > 0
                ? 'Choose a task to wait for…'
                : ids.length > 1 + dependsOn.length
                  ? dependsOn.length > 0
                    ? 'None left: the rest wait for this one'
                    : 'The other tasks wait for this one'
                  : 'No other tasks'}
            </option>
            {choices.map((t) => (
              <option key={t} value={t}>
                {t}
              </option>
            ))}
          </select>
        )}
        <button type="button" onClick={add} disabled={!pick.trim()}>
          Add
        </button>
      </div>
      <span className="field-error" id={`${id}-error`} aria-live="polite">
        {shown}
      </span>
    </fieldset>
  );
}
