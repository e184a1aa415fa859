import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Baton } from './harness.ts';
import { launchBaton, shots, skipE2e } from './harness.ts';

/** Reads its task from stdin, says hello on both streams and answers with the task it was given. */
const CHECKER = `
const ctx = JSON.parse(require('node:fs').readFileSync(0, 'utf8'));
console.log('checker ready');
console.error('using defaults');
console.log('::result ' + JSON.stringify({ heard: ctx.task.description }));
`;

// A "test" for a command agent (program found, runs, answers), from the Agents screen.
describe.skipIf(skipE2e)("a command agent's test", () => {
  let baton: Baton;
  let page: Page;

  beforeAll(async () => {
    baton = await launchBaton('agent-test', { width: 1440, height: 900 });
    page = baton.page;
    await baton.rpc('agents.import', {
      agents: [
        {
          id: 'checker',
          kind: 'command',
          skills: ['check'],
          command: process.execPath,
          args: ['-e', CHECKER],
        },
        {
          id: 'crashy',
          kind: 'command',
          skills: ['check'],
          command: process.execPath,
          args: [
            '-e',
            'console.log("starting"); console.error("config.toml: no such file"); process.exit(2)',
          ],
        },
        { id: 'ghost', kind: 'command', skills: ['check'], command: 'baton-no-such-program' },
        { id: 'echoer', skills: ['check'] },
      ],
    });
    await page.goto(baton.server.url);
    await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Agents' }).click();
  });
  afterAll(() => baton?.close());

  const agents = () => page.getByRole('table', { name: 'Agents' });

  it('is offered for command agents only', async () => {
    await agents().getByRole('button', { name: 'Test checker' }).waitFor();
    expect(await agents().getByRole('button', { name: 'Test crashy' }).count()).toBe(1);
    expect(await agents().getByRole('button', { name: 'Test echoer' }).count()).toBe(0);
  });

  it('runs the program once from its row and shows how it went on its page', async () => {
    await agents().getByRole('button', { name: 'Test checker' }).click();
    const answer = page.getByRole('status', { name: 'Test result of checker' });
    await answer.waitFor();
    const verdict = await answer.locator('.agent-test-verdict').textContent();
    expect(verdict).toMatch(/^Passed exit code 0 · \d+(\.\d)? m?s · 3 lines$/);
    const output = answer.getByLabel('Output of the test of checker');
    expect(await output.textContent()).toContain('checker ready');
    expect(await output.textContent()).toContain('using defaults');
    expect(
      await answer.getByRole('region', { name: 'Answer of the test of checker' }).textContent(),
    ).toContain('"heard": "A test of checker');
    await page.screenshot({ path: join(shots, 'agent-test.png') });
  });

  it('sends the sample task typed on its page', async () => {
    const test = page.getByRole('region', { name: 'Test of checker' });
    await test.getByLabel('Sample task').fill('Check the invoices of May');
    await test.getByRole('button', { name: 'Test again' }).click();
    const answer = test.getByRole('region', { name: 'Answer of the test of checker' });
    await expect.poll(() => answer.textContent()).toContain('"heard": "Check the invoices of May"');
  });

  it('says why a program failed: its exit code and last error line, or that it cannot start', async () => {
    await agents().getByRole('button', { name: 'Test crashy' }).click();
    const crashy = page.getByRole('status', { name: 'Test result of crashy' });
    await crashy.waitFor();
    expect(await crashy.locator('.agent-test-verdict').textContent()).toMatch(/^Failed exit code 2 · /);
    expect(await crashy.locator('.agent-test-error').textContent()).toBe(
      'exited with code 2: config.toml: no such file',
    );

    await agents().getByRole('button', { name: 'Test ghost' }).click();
    const ghost = page.getByRole('status', { name: 'Test result of ghost' });
    await ghost.waitFor();
    expect(await ghost.locator('.agent-test-verdict').textContent()).toMatch(/^Failed did not start · /);
    expect(await ghost.locator('.agent-test-error').textContent()).toMatch(
      /^cannot start "baton-no-such-program": .*ENOENT/,
    );
    await page.screenshot({ path: join(shots, 'agent-test-failed.png') });
    // Baton is still serving.
    expect((await baton.rpc('agents.list', {})).ok).toBe(true);
  });
});
