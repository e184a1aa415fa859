import { useMemo } from 'react';
import type { TaskLogLine } from '../../../../../src-shared/schemas/run.ts';

const NO_LINES: readonly TaskLogLine[] = [];

/**
 * What the person should know about the task's attempts, said by Baton as each attempt went
 * (log lines of stream `notice`: a checkout with changes the agent did not see), shown on the
 * panel whatever tab is open; each line stays as it was said then.
 */
export function AttemptNotices({ lines = NO_LINES }: { lines?: readonly TaskLogLine[] | undefined }) {
  const notices = useMemo(() => lines.filter((l) => l.stream === 'notice'), [lines]);
  if (notices.length === 0) return null;
  return (
    <ul className="task-notices small" aria-label="Notices">
      {notices.map((n) => (
        <li key={n.id}>
          <strong>Attempt {n.attempt}:</strong> {n.text.charAt(0).toUpperCase() + n.text.slice(1)}.
        </li>
      ))}
    </ul>
  );
}
