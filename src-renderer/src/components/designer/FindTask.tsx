import { Panel } from '@xyflow/react';
import { useId, useMemo, useState } from 'react';
import { matchingIds } from '../../designer/panel-fields.ts';
import { useBaton } from '../../store/index.ts';

/**
 * A box on the designer's graph to find a task by its id: suggestions as typed, Enter (or a
 * suggestion picked) selects the task, opens it in the panel and brings it into view.
 */
export function FindTask() {
  const id = useId();
  const tasks = useBaton((s) => s.draft?.tasks);
  const ids = useMemo(() => tasks?.map((t) => t.task_id) ?? [], [tasks]);
  const selectTask = useBaton((s) => s.selectTask);
  const [text, setText] = useState('');
  const [missing, setMissing] = useState<string | null>(null);
  const matches = useMemo(() => (text.trim() ? matchingIds(ids, text, 20) : []), [ids, text]);
  const go = (value: string) => {
    const q = value.trim();
    if (!q) return;
    const found = ids.includes(q) ? q : matchingIds(ids, q, 1)[0];
    if (found) {
      selectTask(found);
      setMissing(null);
    } else setMissing(`No task id contains “${q}”.`);
  };
  return (
    <Panel position="top-right" className="find-task">
      <input
        type="search"
        placeholder="Find a task…"
        aria-label="Find a task"
        list={`${id}-ids`}
        value={text}
        aria-describedby={missing ? `${id}-missing` : undefined}
        onChange={(e) => {
          const v = e.target.value;
          setText(v);
          setMissing(null);
          // A suggestion picked from the list is a whole id: go there at once.
          if (ids.includes(v)) go(v);
        }}
        onKeyDown={(e) => {
          if (e.key === 'Enter') {
            e.preventDefault();
            go(text);
          }
        }}
      />
      <datalist id={`${id}-ids`}>
        {matches.map((t) => (
          <option key={t} value={t} />
        ))}
      </datalist>
      {missing && (
        <span className="field-error" id={`${id}-missing`} role="status">
          {missing}
        </span>
      )}
    </Panel>
  );
}
