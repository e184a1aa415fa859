import type { ApprovalView, DiffReviewView, LineComment } from '../../../src-shared/schemas/approval.ts';
import type { ChangedFile } from '../../../src-shared/schemas/workspace.ts';

/**
 * The diff review of a coding agent's attempt, as the renderer shows it: the
 * approval kind `diff_review`, its view (`ApprovalView.diff`) and the decision
 * `request_changes` with line comments are the shared schema's (src-shared/schemas/approval.ts).
 * The UI also works without `diff` (it reads the task's `changes.diff` artifact and counts
 * the files itself).
 */
export type { DiffReviewView, LineComment };

/** The name of the unified diff a coding attempt leaves. */
export const DIFF_ARTIFACT = 'changes.diff';

/** An approval of kind `diff_review` (its `diff` may still be absent: an older host). */
export type ReviewedApproval = ApprovalView & { kind: 'diff_review' };

/** Whether an approval is a diff review. */
export function isDiffReview(a: ApprovalView): a is ReviewedApproval {
  return a.kind === 'diff_review';
}

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

const LANGS: Record<string, string> = {
  ts: 'typescript',
  tsx: 'typescript',
  mts: 'typescript',
  cts: 'typescript',
  js: 'javascript',
  jsx: 'javascript',
  mjs: 'javascript',
  cjs: 'javascript',
  json: 'json',
  md: 'markdown',
  css: 'css',
  scss: 'scss',
  html: 'xml',
  xml: 'xml',
  svg: 'xml',
  py: 'python',
  go: 'go',
  rs: 'rust',
  java: 'java',
  kt: 'kotlin',
  rb: 'ruby',
  php: 'php',
  c: 'c',
  h: 'c',
  cc: 'cpp',
  cpp: 'cpp',
  hpp: 'cpp',
  cs: 'csharp',
  swift: 'swift',
  sh: 'bash',
  bash: 'bash',
  yml: 'yaml',
  yaml: 'yaml',
  toml: 'ini',
  ini: 'ini',
  sql: 'sql',
  dockerfile: 'dockerfile',
};

/** The highlighter's language for a file, by its extension (plain text when unknown). */
export function langOf(path: string): string {
  const name = path.split('/').pop()!.toLowerCase();
  if (name === 'dockerfile') return 'dockerfile';
  if (name === 'makefile') return 'makefile';
  const ext = name.includes('.') ? name.split('.').pop()! : '';
  return LANGS[ext] ?? 'plaintext';
}

/** Line comments of one file, as the diff view's extend data (under the line they are about). */
export function commentsByLine(
  comments: readonly LineComment[],
  path: string,
): { oldFile: Record<string, { data: LineComment[] }>; newFile: Record<string, { data: LineComment[] }> } {
  const out = {
    oldFile: {} as Record<string, { data: LineComment[] }>,
    newFile: {} as Record<string, { data: LineComment[] }>,
  };
  for (const c of comments) {
    if (c.path !== path) continue;
    const bucket = c.side === 'old' ? out.oldFile : out.newFile;
    const key = String(c.line);
    const at = bucket[key] ?? { data: [] };
    at.data.push(c);
    bucket[key] = at;
  }
  return out;
}
