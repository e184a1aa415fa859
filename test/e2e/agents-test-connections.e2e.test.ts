import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Baton } from './harness.ts';
import { launchBaton, shots, skipE2e } from './harness.ts';

/**
 * The Agents screen's "Test connections": with no agent that has a connection to test (none yet,
 * or only agents without an endpoint) it cannot be pressed and says why beside it; before, it
 * could be pressed and tested nothing. With an HTTP agent it tests it and says what it found.
 */
describe.skipIf(skipE2e)('testing the agents’ connections', () => {
  let baton: Baton;
  let page: Page;

  beforeAll(async () => {
    baton = await launchBaton('agents-test-connections', { width: 1440, height: 900 });
    page = baton.page;
  });
  afterAll(() => baton?.close());

  const test = () => page.getByRole('button', { name: 'Test connections' });
  /** What the button's description (aria-describedby) says, or null without one. */
  const why = () =>
    test().evaluate((b) => {
      const id = b.getAttribute('aria-describedby');
      return id ? (document.getElementById(id)?.textContent ?? null) : null;
    });
  const open = async (drawn: string) => {
    await page.goto(baton.at('/agents'));
    await page.getByRole('heading', { name: 'Agents', level: 1 }).waitFor();
    await page.getByText(drawn).first().waitFor();
  };

  it('cannot be pressed without agents, and says why', async () => {
    await open('No agents yet');
    expect(await test().isDisabled()).toBe(true);
    expect(await why()).toBe('No agents to test yet');
    expect(await page.getByText('No agents to test yet').isVisible()).toBe(true);
  });

  it('cannot be pressed when no agent has an endpoint, and says why, at 1440 and on a phone', async () => {
    await baton.rpc('agents.import', { agents: [{ id: 'helper', skills: ['x'] }] });
    for (const [width, height] of [
      [1440, 900],
      [390, 844],
    ] as const) {
      await page.setViewportSize({ width, height });
      await open('helper');
      expect(await test().isDisabled()).toBe(true);
      expect(await why()).toBe('Nothing to test: only HTTP and LLM agents have a connection');
      await page.screenshot({ path: join(shots, `agents-test-connections-none-${width}.png`) });
    }
    await page.setViewportSize({ width: 1440, height: 900 });
  });

  it('tests an HTTP agent and says what it found', async () => {
    const url = new URL('/', baton.server.url).href;
    await baton.rpc('agents.import', { agents: [{ id: 'svc', kind: 'http', url, skills: ['x'] }] });
    await open('svc');
    expect(await test().isDisabled()).toBe(false);
    expect(await why()).toBeNull();
    await test().click();
    await page.getByRole('status').filter({ hasText: 'Tested 1: svc reachable' }).waitFor();
    await page.screenshot({ path: join(shots, 'agents-test-connections-1440.png') });
  });
});
