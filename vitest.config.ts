import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

/**
 * How long `expect.poll` waits for the state a test needs before it fails, by project. A cap, not
 * a wait: the poll ends as soon as the state is there. Vitest's own 1 s is passed on a machine
 * under load (both cores busy), which is not what a test checks. The browser's steps have the
 * same cap (test/e2e/browser-path.ts).
 */
const WAIT = { unit: 30_000, processes: 60_000, browser: 90_000 };

/**
 * Test files run at once, in one pool for every project. Vitest's default is a core less than the
 * machine has (one, on CI's two cores), and a project with `fileParallelism: false` runs after the
 * others, alone: the suite ran one file at a time, 24 minutes on CI. A file spends most of its time
 * waiting on other processes (git, a coding CLI, Chromium, a model server), so files run a core
 * more than the machine has, at least three (BATON_TEST_WORKERS says otherwise); the heavy files
 * (real CLIs, MCP servers, the browser) share the pool with the rest, which must pass on a busy
 * machine all the same.
 */
const WORKERS = Number(process.env.BATON_TEST_WORKERS) || Math.max(3, availableParallelism() + 1);

export default defineConfig({
  test: {
    maxWorkers: WORKERS,
    globalSetup: ['test/kit/global-teardown.ts'],
    projects: [
      {
        test: {
          name: 'unit',
          include: [
            'src-shared/**/*.test.ts',
            'src-main/**/*.test.ts',
            'src-renderer/src/**/*.test.ts',
            'test/integration/**/*.test.ts',
            'test/kit/**/*.test.ts',
          ],
          environment: 'node',
          testTimeout: 60_000,
          hookTimeout: 60_000,
          expect: { poll: { timeout: WAIT.unit } },
        },
      },
      {
        // The real coding-agent CLIs (installed by `npm ci --prefix test/coding-agents`) against
        // scripted model servers.
        test: {
          name: 'coding-agents',
          include: ['test/coding-agents/**/*.test.ts'],
          environment: 'node',
          testTimeout: 240_000,
          hookTimeout: 60_000,
          expect: { poll: { timeout: WAIT.processes } },
        },
      },
      {
        // The official MCP servers, our faulty ones and Claude Code's permission prompt tool, with
        // the MCP SDK (installed by `npm ci --prefix test/mcp`): real processes.
        test: {
          name: 'mcp',
          include: ['test/mcp/**/*.test.ts'],
          environment: 'node',
          testTimeout: 240_000,
          hookTimeout: 60_000,
          expect: { poll: { timeout: WAIT.processes } },
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          environment: 'node',
          // A failed test prints what its pages showed (test/e2e/on-failure.ts).
          setupFiles: ['test/e2e/on-failure.ts'],
          testTimeout: 240_000,
          hookTimeout: 240_000,
          expect: { poll: { timeout: WAIT.browser } },
        },
      },
    ],
  },
});
