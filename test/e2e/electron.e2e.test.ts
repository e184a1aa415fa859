import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { _electron } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { electronRuntime } from '../../src-main/cli/commands/start.ts';
import { root } from './serve-process.ts';

const exe = electronRuntime();
if (!exe) {
  console.warn(
    '\n*** SKIPPING Electron e2e: the Electron runtime is not installed (node_modules/electron/dist). ' +
      'It is downloaded on first launch, which needs network access. Run `npx install-electron` where there is network.\n',
  );
}

describe.skipIf(!exe)('the Electron desktop app', () => {
  it('opens a sandboxed window that exposes only invoke/on and runs the example plan', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'baton-electron-'));
    const app = await _electron.launch({ executablePath: exe!, args: [root, '--data-dir', dataDir] });
    try {
      const win = await app.firstWindow();
      // Each screen names the window after it: "Plans · Baton".
      expect(await win.title()).toMatch(/Baton$/);
      expect(
        await win.evaluate(() => Object.keys((globalThis as unknown as { baton: object }).baton).sort()),
      ).toEqual(['invoke', 'on']);
      expect(await win.evaluate(() => typeof (globalThis as { require?: unknown }).require)).toBe(
        'undefined',
      );
      const examples = join(root, 'resources', 'examples');
      await win.getByRole('link', { name: 'Agents', exact: true }).click();
      await win.getByRole('heading', { name: 'Agents', exact: true }).waitFor();
      await win.getByLabel('Agents file', { exact: true }).setInputFiles(join(examples, 'agents.json'));
      await win
        .getByLabel('Plan file', { exact: true })
        .setInputFiles(join(examples, 'onboarding-plan.json'));
      await win.getByRole('button', { name: 'Run plan' }).click();
      await expect
        .poll(() => win.getByRole('status', { name: 'Run status: failed' }).isVisible(), { timeout: 30_000 })
        .toBe(true);
    } finally {
      await app.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
