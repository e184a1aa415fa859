// The README is a front door and docs/ is the house behind it: the README stays small, every page
// of docs/ is reachable from its index, every relative link leads to a file (and a heading) that
// exists, and the pages describe behaviour in their own words, not by the numbers of design notes
// or tickets a reader cannot open (docs/origins.md is where the notes are named).
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const README = join(root, 'README.md');
const DOCS = join(root, 'docs');
const README_MAX_BYTES = 12 * 1024;

const docPages = readdirSync(DOCS)
  .filter((f) => f.endsWith('.md'))
  .map((f) => join(DOCS, f));
const pages = [README, ...docPages];
const name = (file: string) => relative(root, file);

/** The text outside fenced code blocks and inline code: where links and headings are read. */
function prose(markdown: string): string {
  return markdown
    .replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '')
    .replace(/`[^`\n]*`/g, (code) => code.replace(/[[\]()]/g, ' '));
}

/** Link and image targets, `[text](target)` and `![alt](target)`, without a title. */
function links(markdown: string): string[] {
  const found: string[] = [];
  for (const m of prose(markdown).matchAll(/!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g))
    found.push(m[1]!);
  return found;
}

const external = (target: string) => /^[a-z][a-z0-9+.-]*:/i.test(target);

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
function anchors(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  const withoutFences = markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '');
  for (const m of withoutFences.matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    const base = m[1]!
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .trim()
      .replace(/\s/g, '-');
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    out.add(n === 0 ? base : `${base}-${n}`);
  }
  return out;
}

describe('the README and docs/', () => {
  it(`keeps the README at most ${README_MAX_BYTES / 1024} KB`, () => {
    expect(statSync(README).size).toBeLessThanOrEqual(README_MAX_BYTES);
  });

  it('has every relative link lead to a file that exists, and to a heading that exists', () => {
    const broken: string[] = [];
    for (const page of pages) {
      for (const target of links(readFileSync(page, 'utf8'))) {
        if (external(target)) continue;
        const [path, anchor] = target.split('#', 2) as [string, string | undefined];
        const file = path === '' ? page : resolve(dirname(page), decodeURI(path));
        if (!existsSync(file)) {
          broken.push(`${name(page)}: ${target} (no such file)`);
          continue;
        }
        if (anchor && file.endsWith('.md') && !anchors(readFileSync(file, 'utf8')).has(anchor))
          broken.push(`${name(page)}: ${target} (no such heading)`);
      }
    }
    expect(broken).toEqual([]);
  });

  it("links every page of docs/ from the README's index", () => {
    const linked = new Set(
      links(readFileSync(README, 'utf8'))
        .filter((t) => !external(t))
        .map((t) => resolve(root, t.split('#')[0]!)),
    );
    expect(docPages.filter((p) => !linked.has(p)).map(name)).toEqual([]);
  });

  it('cites no design-note or issue numbers outside docs/origins.md', () => {
    const citation = /\bseeds? #?0\d\d\b|\bissues? #?\d+/gi;
    const cited: string[] = [];
    for (const page of pages) {
      if (page === join(DOCS, 'origins.md')) continue;
      for (const m of readFileSync(page, 'utf8').matchAll(citation)) cited.push(`${name(page)}: "${m[0]}"`);
    }
    expect(cited).toEqual([]);
  });
});
