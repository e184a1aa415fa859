import { useEffect, useState } from 'react';
import type { ReviewFile } from '../../../approvals/review-files.ts';
import type { ViewedMarks } from '../../../approvals/viewed-files.ts';
import { mark, parseMarks, viewedKey } from '../../../approvals/viewed-files.ts';

const read = (key: string): ViewedMarks => {
  try {
    return parseMarks(localStorage.getItem(key));
  } catch {
    return {};
  }
};

/**
 * The files of a task's diff marked viewed, kept in this browser profile for the task of the
 * run (its next review finds them), and a way to mark one or unmark it. Storage that cannot be
 * read or written leaves the marks for this screen only.
 */
export function useViewed(
  runId: string,
  taskId: string,
): [ViewedMarks, (f: ReviewFile, viewed: boolean) => void] {
  const key = viewedKey(runId, taskId);
  const [marks, setMarks] = useState<ViewedMarks>(() => read(key));
  useEffect(() => setMarks(read(key)), [key]);
  const set = (f: ReviewFile, viewed: boolean) =>
    setMarks((now) => {
      const next = mark(now, f, viewed);
      try {
        if (Object.keys(next).length === 0) localStorage.removeItem(key);
        else localStorage.setItem(key, JSON.stringify(next));
      } catch {
        // not kept; marked on this screen still
      }
      return next;
    });
  return [marks, set];
}
