import { useEffect, useState } from 'react';
import { api } from '../../../api/client.ts';
import { blockedLines } from '../../../steps/sandbox-blocked.ts';

/**
 * What the OS sandbox refused the attempt under review ("2 connections blocked: example.com"),
 * read from the same steps the task panel's trace shows (the attempt is over: they are all
 * there); nothing when it refused nothing.
 */
export function SandboxBlocked({
  runId,
  taskId,
  attempt,
}: {
  runId: string;
  taskId: string;
  attempt: number;
}) {
  const [lines, setLines] = useState<string[]>([]);
  useEffect(() => {
    let live = true;
    api
      .taskSteps(runId, taskId)
      .then((steps) => {
        if (live) setLines(blockedLines(steps.filter((s) => s.attempt === attempt)));
      })
      // The review goes on without the line: the trace in the task panel says the same.
      .catch(() => {});
    return () => {
      live = false;
    };
  }, [runId, taskId, attempt]);
  if (lines.length === 0) return null;
  return (
    <ul className="small sandbox-blocked" aria-label={`Blocked by the sandbox in attempt ${attempt}`}>
      {lines.map((l) => (
        <li key={l}>{l}</li>
      ))}
    </ul>
  );
}
