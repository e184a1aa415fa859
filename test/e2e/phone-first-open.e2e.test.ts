import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Baton } from './harness.ts';
import { launchBaton, shots, skipE2e } from './harness.ts';

// The first open on a 390 × 844 phone: the three steps and the examples fit its width, and every
// button of them is on the screen, not past its right edge.
describe.skipIf(skipE2e)('the first open on a phone', () => {
  let baton: Baton;

  beforeAll(async () => {
    baton = await launchBaton('phone-first-open', { width: 390, height: 844 });
    await baton.page.goto(baton.server.url);
  });
  afterAll(() => baton?.close());

  it('fits the width: nothing scrolls sideways, and each step and example button is on the screen', async () => {
    const page = baton.page;
    const steps = page.getByRole('region', { name: 'No plans yet' });
    await steps.getByRole('button', { name: 'Import plan…' }).waitFor();
    const section = (await steps.boundingBox())!;
    expect(section.x).toBeGreaterThanOrEqual(0);
    expect(section.x + section.width).toBeLessThanOrEqual(390.5);
    const buttons = await steps.getByRole('button').all();
    expect(buttons.length).toBeGreaterThanOrEqual(4);
    for (const b of buttons) {
      const box = (await b.boundingBox())!;
      expect(box.x + box.width, (await b.textContent()) ?? '').toBeLessThanOrEqual(390.5);
    }
    await page.screenshot({ path: join(shots, 'phone-first-open.png'), fullPage: true });
  });
});
