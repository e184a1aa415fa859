import type { CheckTests } from '../../../../src-shared/schemas/checks.ts';
import { MAX_FAILING } from './tap.ts';

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

const decode = (s: string): string =>
  s.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (all, e: string) => {
    if (e[0] === '#') {
      const code = e[1] === 'x' || e[1] === 'X' ? Number.parseInt(e.slice(2), 16) : Number(e.slice(1));
      return Number.isFinite(code) && code <= 0x10ffff ? String.fromCodePoint(code) : all;
    }
    return ENTITIES[e.toLowerCase()] ?? all;
  });

const attr = (attrs: string, name: string): string | null => {
  const m = new RegExp(`\\b${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)')`).exec(attrs);
  return m ? decode(m[1] ?? m[2] ?? '') : null;
};

/**
 * The tests of a JUnit XML report (JUnit, vitest's and jest's junit reporters, pytest's
 * `--junitxml`): each `<testcase>` passed, unless it holds a `<failure>` or `<error>`; a
 * `<skipped>` one counts neither way. Null when the text holds no test case.
 */
export function parseJunit(xml: string): CheckTests | null {
  const cases = /<testcase\b([^>]*?)(?:\/>|>([\s\S]*?)<\/testcase\s*>)/g;
  let passed = 0;
  let failed = 0;
  let seen = false;
  const failing: string[] = [];
  for (const m of xml.matchAll(cases)) {
    seen = true;
    const body = m[2] ?? '';
    if (/<skipped\b/.test(body)) continue;
    if (/<(failure|error)\b/.test(body)) {
      failed++;
      const name = attr(m[1]!, 'name') ?? '?';
      const cls = attr(m[1]!, 'classname');
      const shown = cls ? `${cls} › ${name}` : name;
      if (failing.length < MAX_FAILING && !failing.includes(shown)) failing.push(shown);
    } else passed++;
  }
  return seen ? { passed, failed, failing, source: 'junit' } : null;
}
