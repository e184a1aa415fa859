import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { fixtureInstalled, fixturePresent, missingFixtureLine } from './fixtures.ts';

const root = join(import.meta.dirname, '..', '..');

function testFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    if (e.name === 'node_modules') return [];
    const path = join(dir, e.name);
    if (e.isDirectory()) return testFiles(path);
    return e.name.endsWith('.test.ts') ? [path] : [];
  });
}

/** What marks a test file as driving a fixture package's programs. */
const USES_FIXTURE = [
  /\bofficialServer\(/, // test/mcp/connect.ts: the official MCP servers
  /\bfixtureBin\(/,
  /from '\.{1,2}\/(coding-agents\/)?(baton-kit|clis|run-cli|worker-kit)\.ts'/, // the coding CLIs
  /from '\.{1,2}\/(mcp\/)?run-claude\.ts'/, // Claude Code with the MCP SDK
];
/** How such a file skips when the fixture is missing. */
const SKIPS = /\.skipIf\([^)]*(installed|Installed)/;

/** The packages only a fixture package installs (not resolvable from the root's node_modules). */
function fixtureOnlyPackages(): Map<string, string> {
  const only = new Map<string, string>();
  for (const dir of ['test/mcp', 'test/coding-agents']) {
    const pkg = JSON.parse(readFileSync(join(root, dir, 'package.json'), 'utf8')) as {
      dependencies?: Record<string, string>;
      devDependencies?: Record<string, string>;
    };
    for (const name of Object.keys({ ...pkg.dependencies, ...pkg.devDependencies }))
      if (!existsSync(join(root, 'node_modules', name))) only.set(name, dir);
  }
  return only;
}

/** Each module's imports, read once: every test file's walk goes through the same modules. */
const importsRead = new Map<string, { static: string[]; dynamic: string[] }>();

/** A module's imports that run (not `import type`), static and dynamic, as written. */
function importsOf(file: string): { static: string[]; dynamic: string[] } {
  const known = importsRead.get(file);
  if (known) return known;
  const text = readFileSync(file, 'utf8');
  const statics = [
    ...text.matchAll(/^(?:import|export)(?!\s+type\b)[^;]*?\sfrom\s+'([^']+)'|^import\s+'([^']+)'/gm),
  ];
  const dynamics = [...text.matchAll(/\bimport\(\s*'([^']+)'\s*\)/g)];
  const found = {
    static: statics.map((m) => (m[1] ?? m[2])!),
    dynamic: dynamics.map((m) => m[1]!),
  };
  importsRead.set(file, found);
  return found;
}

const packageOf = (spec: string) =>
  spec
    .split('/')
    .slice(0, spec.startsWith('@') ? 2 : 1)
    .join('/');

/**
 * The fixture-only packages a test file reaches through the repository's own modules: `static`
 * only through imports that run when the file loads, `any` through dynamic imports too.
 */
function fixturePackagesReached(file: string, only: Map<string, string>, dynamicToo: boolean): string[] {
  const found = new Set<string>();
  const seen = new Set<string>();
  const walk = (f: string) => {
    if (seen.has(f) || !existsSync(f)) return;
    seen.add(f);
    const { static: s, dynamic: d } = importsOf(f);
    for (const spec of dynamicToo ? [...s, ...d] : s) {
      if (spec.startsWith('.')) walk(join(dirname(f), spec));
      else if (only.has(packageOf(spec))) found.add(packageOf(spec));
    }
  };
  walk(file);
  return [...found];
}

describe('optional fixture packages', () => {
  it('no test file imports a package only a fixture has when it loads (a missing fixture would fail the file)', () => {
    const only = fixtureOnlyPackages();
    expect(only.has('@modelcontextprotocol/node')).toBe(true);
    const files = [...testFiles(join(root, 'test')), ...testFiles(join(root, 'src-main'))];
    const loading = files.flatMap((f) =>
      fixturePackagesReached(f, only, false).map((p) => `${relative(root, f)} imports ${p}`),
    );
    expect(loading, 'import these with await import(...) when fixtureInstalled(...)').toEqual([]);
    // And a file that reaches one at all skips without it.
    const unguarded = files
      .filter((f) => fixturePackagesReached(f, only, true).length > 0)
      .filter((f) => !SKIPS.test(readFileSync(f, 'utf8')))
      .map((f) => relative(root, f));
    expect(unguarded).toEqual([]);
  });

  it('every test file that drives a fixture program skips when it is missing', () => {
    const files = [...testFiles(join(root, 'test')), ...testFiles(join(root, 'src-main'))];
    const users = files.filter((f) => USES_FIXTURE.some((re) => re.test(readFileSync(f, 'utf8'))));
    // The rule sees the files it is about (a change of the kits' names would hide them).
    expect(users.map((f) => relative(root, f))).toEqual(
      expect.arrayContaining([
        'test/mcp/tool-loop.test.ts',
        'test/mcp/tool-approvals.test.ts',
        'test/coding-agents/clis.test.ts',
        'test/e2e/diff-review.e2e.test.ts',
      ]),
    );
    const unguarded = users.filter((f) => !SKIPS.test(readFileSync(f, 'utf8'))).map((f) => relative(root, f));
    expect(unguarded, 'these files use a fixture without describe.skipIf(!installed)').toEqual([]);
  });

  describe('BATON_TEST_FIXTURES=none', () => {
    const saved = { fixtures: process.env.BATON_TEST_FIXTURES, ci: process.env.CI };
    afterEach(() => {
      for (const [k, v] of [
        ['BATON_TEST_FIXTURES', saved.fixtures],
        ['CI', saved.ci],
      ] as const) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    });

    it('counts every fixture missing, and a test asking for one skips instead of failing, also in CI', () => {
      process.env.BATON_TEST_FIXTURES = 'none';
      process.env.CI = 'true';
      expect(fixturePresent('mcp')).toBe(false);
      expect(fixtureInstalled('coding-agents')).toBe(false);
    });

    it('says how to install a missing one', () => {
      expect(missingFixtureLine('mcp')).toContain('npm ci --prefix test/mcp');
      expect(missingFixtureLine('coding-agents')).toMatch(
        /^\*\*\* SKIPPING .*npm ci --prefix test\/coding-agents/,
      );
    });
  });

  it('a missing fixture is an error in CI, naming the command, and a skip elsewhere', () => {
    const empty = mkdtempSync(join(tmpdir(), 'baton-no-fixtures-'));
    const ci = process.env.CI;
    try {
      process.env.CI = 'true';
      expect(() => fixtureInstalled('mcp', empty)).toThrow(/npm ci --prefix test\/mcp/);
      delete process.env.CI;
      expect(fixtureInstalled('coding-agents', empty)).toBe(false);
    } finally {
      if (ci === undefined) delete process.env.CI;
      else process.env.CI = ci;
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
