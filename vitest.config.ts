import { defineConfig } from 'vitest/config';

/**
 * How long `expect.poll` waits for the state a test needs before it fails, by project. A cap, not
 * a wait: the poll ends as soon as the state is there. Vitest's own 1 s is passed on a machine
 * under load (both cores busy), which is not what a test checks. The browser's steps have the
 * same cap (test/e2e/browser-path.ts).
 */
const WAIT = { unit: 30_000, processes: 60_000, browser: 90_000 };

export default defineConfig({
  test: {
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
        // scripted model servers: each run starts a CLI process, so one file at a time.
        test: {
          name: 'coding-agents',
          include: ['test/coding-agents/**/*.test.ts'],
          environment: 'node',
          testTimeout: 240_000,
          hookTimeout: 60_000,
          expect: { poll: { timeout: WAIT.processes } },
          fileParallelism: false,
        },
      },
      {
        // The official MCP servers, our faulty ones and Claude Code's permission prompt tool, with
        // the MCP SDK (installed by `npm ci --prefix test/mcp`): real processes, one file at a time.
        test: {
          name: 'mcp',
          include: ['test/mcp/**/*.test.ts'],
          environment: 'node',
          testTimeout: 240_000,
          hookTimeout: 60_000,
          expect: { poll: { timeout: WAIT.processes } },
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          environment: 'node',
          testTimeout: 240_000,
          hookTimeout: 240_000,
          expect: { poll: { timeout: WAIT.browser } },
          fileParallelism: false,
        },
      },
    ],
  },
});
