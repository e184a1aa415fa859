// The README is a front door and docs/ is the house behind it: the README stays small, every page
// of docs/ is reachable from its index, every relative link leads to a file (and a heading) that
// exists, and the pages describe behaviour in their own words, not by the numbers of design notes
// or tickets a reader cannot open (docs/origins.md is where the notes are named). The
// architecture page names only paths of the source tree that exist. The source tree says what it
// does in its own words too: no comment, test title or string cites a note or an issue by number.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const README = join(root, 'README.md');
const DOCS = join(root, 'docs');
const README_MAX_BYTES = 12 * 1024;
const ARCHITECTURE = join(DOCS, 'architecture.md');
const ORIGINS = join(DOCS, 'origins.md');

/**
 * A design note or an issue cited by number: "seed", "seeds" or "note" and a note's three digits
 * ("seeds" before a list too), "issue" or "issues" and a number, with or without "#"; "#" and a
 * number in parentheses or after "in", "of" or "see"; an issue's numbered item as a tag, "(B"
 * and one or two digits. Not a file name or an id (`note-004.json`, 'note-004'), a random seed
 * (`seed ${SEED}`) or a colour (`#000`).
 */
// A GitHub issue a product text names (a trigger's "GitHub issue #12", "issue #2 of acme/app") is
// no citation of this project's.
const CITATION =
  /\b(?:seeds?|notes?) #?0\d\d\b|\b(?<!GitHub\s)issues? #?\d+(?! of [\w.-]+\\?\/)|\(#\d+\)|\b(?:in|of|see) #\d+\b|\(B\d{1,2}\)/i;

/** Where the source tree is read for citations: its tracked files of these kinds. */
const SOURCE_DIRS = ['src-main', 'src-renderer', 'src-shared', 'resources', 'test'];
const SOURCE_FILE = /\.(?:[cm]?[jt]sx?|md|json|css|html)$/;
/** Dated bench results keep their history as written. */
const UNCHECKED = new Set(['test/bench/RESULTS.md', 'docs/origins.md']);

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
    const citation = new RegExp(CITATION.source, 'gi');
    const cited: string[] = [];
    for (const page of pages) {
      if (page === ORIGINS) continue;
      for (const m of readFileSync(page, 'utf8').matchAll(citation)) cited.push(`${name(page)}: "${m[0]}"`);
    }
    expect(cited).toEqual([]);
  });

  it('names in docs/architecture.md only source paths that exist', () => {
    const named = readFileSync(ARCHITECTURE, 'utf8').matchAll(
      /`((?:src-main|src-renderer|src-shared)\/[^`\s]*)`/g,
    );
    const missing: string[] = [];
    for (const [, path] of named) {
      // A pattern (`src-main/*.ts`) names no one file.
      if (/[*<>]/.test(path!)) continue;
      if (!existsSync(join(root, path!))) missing.push(path!);
    }
    expect(missing).toEqual([]);
  });
});

describe('the source tree', () => {
  it('cites no design-note or issue numbers in code, tests, strings or resources', () => {
    const tracked = execFileSync('git', ['ls-files', '-z', '--', ...SOURCE_DIRS], {
      cwd: root,
      encoding: 'utf8',
    })
      .split('\0')
      .filter((f) => SOURCE_FILE.test(f) && !f.split('/').includes('node_modules') && !UNCHECKED.has(f));
    expect(tracked.length).toBeGreaterThan(100);
    const cited: string[] = [];
    for (const file of tracked) {
      const path = join(root, file);
      if (!existsSync(path)) continue; // deleted in the working tree, not yet in git
      readFileSync(path, 'utf8')
        .split('\n')
        .forEach((line, i) => {
          if (CITATION.test(line)) cited.push(`${file}:${i + 1}: ${line.trim().slice(0, 160)}`);
        });
    }
    expect(cited).toEqual([]);
  });
});
