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

/** Where `<testcase` starts a test case's tag (not `<testcases`): the next character is no word character. */
const OPEN = '<testcase';
const CLOSE = '</testcase';
const isWordChar = (c: number) =>
  (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
const isSpace = (c: number) => c === 32 || c === 9 || c === 10 || c === 13;

/**
 * The first `</testcase>` (spaces allowed before its `>`) at or after `from`: where it starts and
 * where it ends, or null when there is none.
 */
function closeTag(xml: string, from: number): { at: number; end: number } | null {
  for (let at = xml.indexOf(CLOSE, from); at !== -1; at = xml.indexOf(CLOSE, at + 1)) {
    let j = at + CLOSE.length;
    while (j < xml.length && isSpace(xml.charCodeAt(j))) j++;
    if (xml.charCodeAt(j) === 62) return { at, end: j + 1 };
  }
  return null;
}

/**
 * The tests of a JUnit XML report (JUnit, vitest's and jest's junit reporters, pytest's
 * `--junitxml`): each `<testcase>` passed, unless it holds a `<failure>` or `<error>`; a
 * `<skipped>` one counts neither way. Null when the text holds no test case. A case's tag that is
 * never closed is not one. Read in one pass (the file is the check's, so the agent's code, wrote
 * it, up to 16 MB, and it is read on the thread that serves everything): a regular expression
 * looking for each unclosed tag's end once scanned to the end of the text for each of them.
 */
export function parseJunit(xml: string): CheckTests | null {
  let passed = 0;
  let failed = 0;
  let seen = false;
  const failing: string[] = [];
  // The next close tag, found once and kept while it is ahead (every look for it moves forward).
  let close: { at: number; end: number } | null | undefined;
  for (let i = xml.indexOf(OPEN); i !== -1; i = xml.indexOf(OPEN, i)) {
    const after = i + OPEN.length;
    if (isWordChar(xml.charCodeAt(after))) {
      i = after;
      continue;
    }
    const tagEnd = xml.indexOf('>', after);
    if (tagEnd === -1) break;
    let attrs: string;
    let body: string;
    if (xml.charCodeAt(tagEnd - 1) === 47) {
      attrs = xml.slice(after, tagEnd - 1);
      body = '';
      i = tagEnd + 1;
    } else {
      if (close === undefined || (close !== null && close.at <= tagEnd)) close = closeTag(xml, tagEnd + 1);
      // Never closed: not a test case (one that closes itself may still follow).
      if (close === null) {
        i = tagEnd + 1;
        continue;
      }
      attrs = xml.slice(after, tagEnd);
      body = xml.slice(tagEnd + 1, close.at);
      i = close.end;
    }
    seen = true;
    if (/<skipped\b/.test(body)) continue;
    if (/<(failure|error)\b/.test(body)) {
      failed++;
      const name = attr(attrs, 'name') ?? '?';
      const cls = attr(attrs, 'classname');
      const shown = cls ? `${cls} › ${name}` : name;
      if (failing.length < MAX_FAILING && !failing.includes(shown)) failing.push(shown);
    } else passed++;
  }
  return seen ? { passed, failed, failing, source: 'junit' } : null;
}
