/**
 * A unified diff of two texts, line by line (longest common subsequence), for the inbox's
 * preview of a file a tool call would write: the hunks git-diff-view draws (`--- a/…`,
 * `+++ b/…`, `@@ -a,b +c,d @@`), with three lines of context. Texts whose lines multiply past
 * `MAX_CELLS` are shown as one hunk replacing the whole file rather than compared (the table
 * would not fit in memory for two large files).
 */
const CONTEXT = 3;
const MAX_CELLS = 4_000_000;

type Op = { kind: ' ' | '-' | '+'; line: string };

export function unifiedDiff(path: string, before: string | null, after: string): string {
  const a = linesOf(before ?? '');
  const b = linesOf(after);
  const ops = a.length * b.length > MAX_CELLS ? replaceAll(a, b) : compare(a, b);
  const head = `--- ${before === null ? '/dev/null' : `a/${path}`}\n+++ b/${path}\n`;
  return head + hunks(ops).join('');
}

function linesOf(text: string): string[] {
  if (text === '') return [];
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines;
}

function replaceAll(a: string[], b: string[]): Op[] {
  return [...a.map((line): Op => ({ kind: '-', line })), ...b.map((line): Op => ({ kind: '+', line }))];
}

/** The edit script from `a` to `b`: an LCS table over the lines between the common head and tail. */
function compare(a: string[], b: string[]): Op[] {
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const n = endA - start;
  const m = endB - start;
  // lcs[i][j]: the longest common subsequence of a[start+i..endA) and b[start+j..endB).
  const lcs = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--)
    for (let j = m - 1; j >= 0; j--)
      lcs[i]![j] =
        a[start + i] === b[start + j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
  const ops: Op[] = a.slice(0, start).map((line) => ({ kind: ' ', line }));
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[start + i] === b[start + j]) {
      ops.push({ kind: ' ', line: a[start + i]! });
      i++;
      j++;
    } else if (i < n && (j === m || lcs[i + 1]![j]! >= lcs[i]![j + 1]!)) {
      // A removed line before an added one, as git shows a changed line.
      ops.push({ kind: '-', line: a[start + i]! });
      i++;
    } else {
      ops.push({ kind: '+', line: b[start + j]! });
      j++;
    }
  }
  for (const line of a.slice(endA)) ops.push({ kind: ' ', line });
  return ops;
}

/** The changed runs of `ops` with their context, as `@@` hunks. */
function hunks(ops: Op[]): string[] {
  const changed = ops.flatMap((o, k) => (o.kind === ' ' ? [] : [k]));
  const out: string[] = [];
  let k = 0;
  while (k < changed.length) {
    const from = Math.max(0, changed[k]! - CONTEXT);
    let last = changed[k]!;
    while (k + 1 < changed.length && changed[k + 1]! - last <= 2 * CONTEXT) last = changed[++k]!;
    k++;
    const to = Math.min(ops.length, last + CONTEXT + 1);
    let oldStart = 1;
    let newStart = 1;
    for (const o of ops.slice(0, from)) {
      if (o.kind !== '+') oldStart++;
      if (o.kind !== '-') newStart++;
    }
    const body = ops.slice(from, to);
    const oldLen = body.filter((o) => o.kind !== '+').length;
    const newLen = body.filter((o) => o.kind !== '-').length;
    out.push(
      `@@ -${oldLen === 0 ? oldStart - 1 : oldStart},${oldLen} +${newLen === 0 ? newStart - 1 : newStart},${newLen} @@\n`,
      ...body.map((o) => `${o.kind}${o.line}\n`),
    );
  }
  return out;
}
