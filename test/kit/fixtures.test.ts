import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
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

describe('optional fixture packages', () => {
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
