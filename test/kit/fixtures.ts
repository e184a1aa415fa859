import { existsSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The optional fixture packages: real programs some tests drive (the coding-agent CLIs, the
 * official MCP servers and their SDK) that are not Baton's dependencies. Each is installed with
 * `npm ci --prefix <dir>`. Every test that needs one asks here: without it the test is skipped
 * (`describe.skipIf(!fixtureInstalled(...))`), and `npm test` says once, loudly, which were
 * skipped and how to run them; with `CI` set a missing fixture is an error instead, since CI
 * installs both.
 *
 * `BATON_TEST_FIXTURES=none` makes every fixture count as missing, also in CI: how the skips are
 * checked on a machine that has them.
 */
export type FixtureName = 'coding-agents' | 'mcp';

interface Fixture {
  /** The package's folder, relative to the repository root. */
  dir: string;
  /** What it holds, for the line that says it is missing. */
  what: string;
  /** Programs under its node_modules/.bin that must all be there. */
  bins: readonly string[];
}

const repoRoot = join(import.meta.dirname, '..', '..');

export const FIXTURES: Record<FixtureName, Fixture> = {
  'coding-agents': {
    dir: 'test/coding-agents',
    what: 'the coding-agent CLIs (Claude Code, Codex, opencode, qwen-code; about 1.3 GB)',
    bins: ['claude', 'codex', 'opencode', 'qwen'],
  },
  mcp: {
    dir: 'test/mcp',
    what: 'the official MCP servers (filesystem, everything, memory)',
    bins: ['mcp-server-filesystem', 'mcp-server-everything', 'mcp-server-memory'],
  },
};

/** The command that installs a fixture. */
export const installCommand = (name: FixtureName) => `npm ci --prefix ${FIXTURES[name].dir}`;

/** A program of a fixture package (whether or not it is installed). */
export const fixtureBin = (name: FixtureName, bin: string, root = repoRoot) =>
  join(root, FIXTURES[name].dir, 'node_modules', '.bin', bin);

const pretendMissing = () => process.env.BATON_TEST_FIXTURES === 'none';

/** Whether every program of the fixture is there (no error, no output). */
export function fixturePresent(name: FixtureName, root = repoRoot): boolean {
  if (pretendMissing()) return false;
  return FIXTURES[name].bins.every((b) => existsSync(fixtureBin(name, b, root)));
}

/**
 * Whether the tests that need `name` can run. Missing in CI (and not pretended missing): throws,
 * so the run fails at once naming the command; elsewhere: false, and the caller skips.
 */
export function fixtureInstalled(name: FixtureName, root = repoRoot): boolean {
  if (fixturePresent(name, root)) return true;
  if (process.env.CI && !pretendMissing())
    throw new Error(
      `${FIXTURES[name].dir}: ${FIXTURES[name].what} are not installed; run \`${installCommand(name)}\``,
    );
  return false;
}

/** The one line `npm test` prints for each missing fixture. */
export function missingFixtureLine(name: FixtureName): string {
  return `*** SKIPPING the tests that need ${FIXTURES[name].what}: they are not installed. Run \`${installCommand(name)}\` once to run them too.`;
}
