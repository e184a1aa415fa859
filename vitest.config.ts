import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
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
          testTimeout: 30_000,
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
          hookTimeout: 30_000,
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
          hookTimeout: 30_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          environment: 'node',
          testTimeout: 120_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
