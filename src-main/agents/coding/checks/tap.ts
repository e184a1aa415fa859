import type { CheckTests } from '../../../../src-shared/schemas/checks.ts';

/** The most failing tests' names kept. */
export const MAX_FAILING = 50;

/**
 * Counts TAP (`node --test --test-reporter=tap`, tap, mocha's tap reporter) a line at a time, so
 * a check printing 100 MB is counted without being kept: `ok`/`not ok` lines at the outermost
 * level seen, unless the producer printed its own totals (`# pass 3`, `# fail 1`); the failing
 * tests' names at every level (a failing subtest's name says more than its suite's).
 */
export function createTapCounter() {
  let top = Number.POSITIVE_INFINITY;
  const byDepth = new Map<number, { passed: number; failed: number }>();
  const totals: { pass?: number; fail?: number } = {};
  const failing: string[] = [];
  let seen = false;
  return {
    line(raw: string): void {
      const m = /^(\s*)(ok|not ok)\b\s*(\d+)?\s*(?:-\s*)?(.*)$/.exec(raw);
      if (m) {
        seen = true;
        const depth = m[1]!.length;
        const [name, directive] = splitDirective(m[4] ?? '');
        // A skipped or to-do test counts neither way.
        if (/^(skip|todo)\b/i.test(directive)) return;
        const at = byDepth.get(depth) ?? { passed: 0, failed: 0 };
        byDepth.set(depth, at);
        top = Math.min(top, depth);
        if (m[2] === 'ok') at.passed++;
        else {
          at.failed++;
          const shown = name.trim() || `test ${m[3] ?? '?'}`;
          if (failing.length < MAX_FAILING && !failing.includes(shown)) failing.push(shown);
        }
        return;
      }
      const total = /^#\s*(pass|fail)\s+(\d+)\s*$/.exec(raw.trim());
      if (total) {
        seen = true;
        totals[total[1] as 'pass' | 'fail'] = Number(total[2]);
      }
    },
    /** What was counted; null when the output held no TAP. */
    result(): CheckTests | null {
      if (!seen) return null;
      const counted = byDepth.get(top) ?? { passed: 0, failed: 0 };
      return {
        passed: totals.pass ?? counted.passed,
        failed: totals.fail ?? counted.failed,
        failing: [...failing],
        source: 'tap',
      };
    },
  };
}

/** `name # SKIP why` → [name, "SKIP why"]; a `#` escaped as `\#` is part of the name. */
function splitDirective(rest: string): [string, string] {
  const m = /^(.*?)(?<!\\)#\s*(.*)$/.exec(rest);
  if (!m) return [rest.replace(/\\#/g, '#'), ''];
  return [m[1]!.replace(/\\#/g, '#').trimEnd(), m[2]!];
}

/** TAP in a whole text (tests). */
export function parseTap(text: string): CheckTests | null {
  const counter = createTapCounter();
  for (const line of text.split(/\r?\n/)) counter.line(line);
  return counter.result();
}
