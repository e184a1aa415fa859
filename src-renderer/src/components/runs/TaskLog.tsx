import { useLayoutEffect, useRef, useState } from 'react';
import type { LogStream, TaskLogLine } from '../../../../src-shared/schemas/run.ts';

/** What a line of each stream starts with: what the agent wrote to stderr, what Baton wants the person to see. */
const LINE_MARK: Record<LogStream, string> = { stdout: '', info: '', stderr: '! ', notice: 'Notice: ' };

/** The most lines the log shows: the newest. */
const SHOWN = 500;

/**
 * A task's log, following new lines as they arrive (tail mode) while it is scrolled to its end.
 * Scrolled up to read, it stays where it is, and "Jump to latest" says how many lines came
 * since and goes back to following.
 */
export function TaskLog({ lines, live }: { lines: readonly TaskLogLine[]; live: boolean }) {
  const box = useRef<HTMLPreElement>(null);
  // Lines there were when the person scrolled away from the end; null while following.
  const [pausedAt, setPausedAt] = useState<number | null>(null);
  const following = pausedAt === null;
  // biome-ignore lint/correctness/useExhaustiveDependencies: new lines are what it scrolls for
  useLayoutEffect(() => {
    const el = box.current;
    if (el && following) el.scrollTop = el.scrollHeight;
  }, [lines, following]);
  const onScroll = () => {
    const el = box.current;
    if (!el) return;
    const atEnd = el.scrollHeight - el.scrollTop - el.clientHeight < 4;
    if (atEnd && !following) setPausedAt(null);
    else if (!atEnd && following) setPausedAt(lines.length);
  };
  const since = pausedAt === null ? 0 : lines.length - pausedAt;
  return (
    <>
      <pre className="log" title="Task log" ref={box} onScroll={onScroll}>
        {lines
          .slice(-SHOWN)
          .map((l) => `${LINE_MARK[l.stream]}${l.text}`)
          .join('\n')}
      </pre>
      {following ? (
        live && <p className="muted small log-tail">Following new lines; scroll up to stop.</p>
      ) : (
        <p className="log-tail">
          <button type="button" className="small" onClick={() => setPausedAt(null)}>
            Jump to latest{since > 0 ? ` (${since} new ${since === 1 ? 'line' : 'lines'})` : ''}
          </button>
          {lines.length > SHOWN && <span className="muted small"> the newest {SHOWN} lines are shown</span>}
        </p>
      )}
    </>
  );
}
