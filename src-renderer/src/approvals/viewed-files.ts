import type { ReviewFile } from './review-files.ts';

/**
 * Files a reviewer marked viewed (GitHub's "Viewed"), per task of a run: each path with what the
 * file was when marked. Kept across the task's reviews, so the next attempt's review keeps a
 * file viewed while it is the same, and says "changed since viewed" once it is not.
 */
export type ViewedMarks = Readonly<Record<string, string>>;

/**
 * What a file is now, to tell whether it changed since it was marked: the blob git names for
 * its new content in its diff's `index <old>..<new>` line (the same in the whole diff and in
 * the diff since an earlier review), else its part of the diff, else its +/- (a file past the
 * part of the diff read).
 */
export function fingerprint(f: ReviewFile): string {
  const text = f.part?.text;
  if (text === undefined) return `count:${f.additions ?? 'b'}/${f.deletions ?? 'b'}`;
  const index = /^index [0-9a-f]+\.\.([0-9a-f]+)/m.exec(text);
  if (index) return `blob:${index[1]}`;
  return `text:${hash(text)}`;
}

/** FNV-1a over the text: short, stable, enough to tell one diff part from another. */
function hash(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(16);
}

/** Whether two fingerprints name the same content (git may abbreviate a blob id longer or shorter). */
export function sameContent(a: string, b: string): boolean {
  if (a === b) return true;
  if (!a.startsWith('blob:') || !b.startsWith('blob:')) return false;
  const [x, y] = [a.slice(5), b.slice(5)];
  return x.length >= 7 && y.length >= 7 && (x.startsWith(y) || y.startsWith(x));
}

export type ViewedState = 'viewed' | 'changed' | 'unviewed';

/** A file's state: viewed as it is now, marked viewed but changed since, or never marked. */
export function viewedState(marks: ViewedMarks, f: ReviewFile): ViewedState {
  const seen = marks[f.path];
  if (seen === undefined) return 'unviewed';
  return sameContent(seen, fingerprint(f)) ? 'viewed' : 'changed';
}

/** How many of the files are viewed as they are now. */
export function countViewed(marks: ViewedMarks, files: readonly ReviewFile[]): number {
  return files.filter((f) => viewedState(marks, f) === 'viewed').length;
}

/** The marks with a file marked viewed as it is now, or unmarked. */
export function mark(marks: ViewedMarks, f: ReviewFile, viewed: boolean): ViewedMarks {
  const { [f.path]: _gone, ...rest } = marks;
  return viewed ? { ...rest, [f.path]: fingerprint(f) } : rest;
}

/** Where a task's marks are kept in this browser profile. */
export const viewedKey = (runId: string, taskId: string): string => `baton.viewed.${runId}/${taskId}`;

/** The marks as stored (anything else read as none). */
export function parseMarks(raw: string | null): ViewedMarks {
  if (raw === null) return {};
  try {
    const v: unknown = JSON.parse(raw);
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return {};
    return Object.fromEntries(
      Object.entries(v).filter((e): e is [string, string] => typeof e[1] === 'string'),
    );
  } catch {
    return {};
  }
}
