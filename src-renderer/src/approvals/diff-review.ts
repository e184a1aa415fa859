import type { ApprovalView, DiffReviewView, LineComment } from '../../../src-shared/schemas/approval.ts';

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

export type { DiffFilePart } from '../../../src-shared/unified-diff.ts';
export { splitUnifiedDiff } from '../../../src-shared/unified-diff.ts';

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
