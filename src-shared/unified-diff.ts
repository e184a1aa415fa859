import type { ChangedFile } from './schemas/workspace.ts';

/**
 * A `git diff` read back into its files (the diff review's file list, a candidate's files on a
 * remote worker picked at the review): names, status and +/- counted from the text.
 */

/** One file of a unified diff: its names, the text git-diff-view takes, and its +/-. */
export interface DiffFilePart {
  /** The file's path (its new one; the old one when it was deleted). */
  path: string;
  oldPath: string | null;
  newPath: string | null;
  status: ChangedFile['status'];
  /** The file's part of the diff, from its `diff --git` line. */
  text: string;
  binary: boolean;
  additions: number;
  deletions: number;
}

const unquote = (p: string) => (p.startsWith('"') && p.endsWith('"') ? JSON.parse(p) : p);
const side = (line: string, prefix: string): string | null => {
  const p = unquote(line.slice(4).replace(/\t.*$/, ''));
  return p === '/dev/null' ? null : p.startsWith(prefix) ? p.slice(2) : p;
};

/** A `git diff` split into its files, each counted; text before the first file is ignored. */
export function splitUnifiedDiff(diff: string): DiffFilePart[] {
  const parts: DiffFilePart[] = [];
  let cur: { lines: string[] } & Omit<DiffFilePart, 'text'> = blank();
  let inHunk = false;
  const flush = () => {
    if (cur.lines.length === 0) return;
    const path = cur.newPath ?? cur.oldPath ?? cur.path;
    const status: ChangedFile['status'] =
      cur.oldPath === null
        ? 'added'
        : cur.newPath === null
          ? 'deleted'
          : cur.oldPath !== cur.newPath
            ? 'renamed'
            : 'modified';
    const { lines, ...rest } = cur;
    parts.push({ ...rest, path, status, text: `${lines.join('\n')}\n` });
  };
  for (const line of diff.split('\n')) {
    if (line.startsWith('diff --git ')) {
      flush();
      cur = blank();
      inHunk = false;
      const m = /^diff --git a\/(.+) b\/(.+)$/.exec(line);
      if (m) {
        cur.oldPath = m[1]!;
        cur.newPath = m[2]!;
        cur.path = m[2]!;
      }
      cur.lines.push(line);
      continue;
    }
    if (cur.lines.length === 0) continue;
    cur.lines.push(line);
    if (!inHunk) {
      if (line.startsWith('--- ')) cur.oldPath = side(line, 'a/');
      else if (line.startsWith('+++ ')) cur.newPath = side(line, 'b/');
      else if (line.startsWith('new file mode')) cur.oldPath = null;
      else if (line.startsWith('deleted file mode')) cur.newPath = null;
      else if (line.startsWith('rename from ')) cur.oldPath = line.slice(12);
      else if (line.startsWith('rename to ')) cur.newPath = line.slice(10);
      else if (line.startsWith('Binary files ') || line === 'GIT binary patch') cur.binary = true;
      else if (line.startsWith('@@')) inHunk = true;
    } else if (line.startsWith('+')) cur.additions++;
    else if (line.startsWith('-')) cur.deletions++;
  }
  // The diff's last newline leaves an empty line: not part of the last file.
  if (cur.lines[cur.lines.length - 1] === '') cur.lines.pop();
  flush();
  return parts;
}

function blank(): { lines: string[] } & Omit<DiffFilePart, 'text'> {
  return {
    lines: [],
    path: '',
    oldPath: '',
    newPath: '',
    status: 'modified',
    binary: false,
    additions: 0,
    deletions: 0,
  };
}
