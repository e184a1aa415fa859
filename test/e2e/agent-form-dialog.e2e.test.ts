import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Baton } from './harness.ts';
import { launchBaton, shots, skipE2e } from './harness.ts';
import { expectReadableIn, modalSeparation } from './readability.ts';

/**
 * Registering an agent is one focused step (as n8n opens a credential): "Add agent…" at the top
 * of the Agents screen opens the form in a modal dialog, the focus goes into it, Escape or Cancel
 * closes it (asking first when a field was changed) and the focus goes back to what opened it;
 * the coding agent's warning is a line, the rest folded.
 */
describe.skipIf(skipE2e)('the agent form as a dialog', () => {
  let baton: Baton;
  let page: Page;

  beforeAll(async () => {
    baton = await launchBaton('agent-dialog', { width: 1440, height: 900 });
    page = baton.page;
    await baton.rpc('agents.import', {
      agents: [{ id: 'hal', name: 'Hal', kind: 'command', skills: ['ops'], command: 'node', args: ['x.js'] }],
    });
    await page.goto(baton.server.url);
    await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Agents' }).click();
    await page.getByRole('table', { name: 'Agents' }).waitFor();
  });
  afterAll(() => baton?.close());

  const open = () => page.getByRole('button', { name: 'Add agent…' });
  const dialog = (name = 'Add an agent') => page.getByRole('dialog', { name });
  const isFocused = (l: Locator) => l.evaluate((el) => el === document.activeElement);
  const question = (name = 'Add an agent') =>
    dialog(name).getByRole('group', { name: 'Discard your changes?' });

  it('opens from "Add agent…" at the top of the screen, focus in it; Escape closes it and gives focus back', async () => {
    // No form on the screen until asked for.
    expect(await page.getByRole('form', { name: 'Add an agent' }).count()).toBe(0);
    const button = await open().boundingBox();
    const heading = await page.getByRole('heading', { name: 'Agents', level: 1 }).boundingBox();
    expect(button!.y).toBeLessThan(heading!.y + 80);

    await open().click();
    await dialog().waitFor();
    expect(await dialog().evaluate((d) => d.matches(':modal'))).toBe(true);
    // A new agent starts at its kind.
    await expect.poll(() => isFocused(dialog().getByLabel('Kind'))).toBe(true);
    await page.keyboard.press('Escape');
    await expect.poll(() => dialog().count()).toBe(0);
    expect(await isFocused(open())).toBe(true);
  });

  it('asks before Escape drops what was typed: "Keep editing" keeps every value, "Discard" closes it and it opens empty', async () => {
    await open().click();
    const form = dialog().getByRole('form', { name: 'Add an agent' });
    await form.getByLabel('Id').fill('half-typed');
    await form.getByLabel('Name (optional)').fill('Half typed');
    await page.keyboard.press('Escape');
    await question().waitFor();
    expect(await dialog().isVisible()).toBe(true);
    const keep = question().getByRole('button', { name: 'Keep editing' });
    await expect.poll(() => isFocused(keep)).toBe(true);
    // A click on the backdrop drops nothing either.
    await page.mouse.click(4, 4);
    expect(await dialog().isVisible()).toBe(true);
    await keep.click();
    expect(await question().count()).toBe(0);
    expect(await form.getByLabel('Id').inputValue()).toBe('half-typed');
    expect(await form.getByLabel('Name (optional)').inputValue()).toBe('Half typed');

    // Escape asks, Escape again goes back to the form, the focus where it was.
    await form.getByLabel('Name (optional)').focus();
    await page.keyboard.press('Escape');
    await question().waitFor();
    await page.keyboard.press('Escape');
    await expect.poll(() => question().count()).toBe(0);
    expect(await dialog().isVisible()).toBe(true);
    expect(await isFocused(form.getByLabel('Name (optional)'))).toBe(true);
    expect(await form.getByLabel('Id').inputValue()).toBe('half-typed');

    await page.keyboard.press('Escape');
    await question().getByRole('button', { name: 'Discard' }).click();
    await expect.poll(() => dialog().count()).toBe(0);
    expect(await isFocused(open())).toBe(true);
    await open().click();
    expect(await form.getByLabel('Id').inputValue()).toBe('');
    expect(await form.getByLabel('Name (optional)').inputValue()).toBe('');
    // A skill typed but not yet added is a change too.
    await form.getByLabel('Skills', { exact: true }).fill('wri');
    await page.keyboard.press('Escape');
    await question().getByRole('button', { name: 'Keep editing' }).click();
    expect(await form.getByLabel('Skills', { exact: true }).inputValue()).toBe('wri');
    await form.getByLabel('Skills', { exact: true }).fill('');
    // Untouched (or changed back): Escape closes at once.
    await page.keyboard.press('Escape');
    await expect.poll(() => dialog().count()).toBe(0);
    const agents = (await baton.rpc('agents.list', {})).value as unknown as { id: string }[];
    expect(agents.map((a) => a.id)).not.toContain('half-typed');
  });

  it('adds an agent through it: an error keeps it open, the add closes it and lists the agent', async () => {
    await open().click();
    const form = dialog().getByRole('form', { name: 'Add an agent' });
    await form.getByRole('button', { name: 'Add agent' }).click();
    await expect.poll(() => form.textContent()).toContain('Id is required');
    expect(await dialog().isVisible()).toBe(true);
    await form.getByLabel('Id').fill('scribe');
    await form.getByLabel('Skills', { exact: true }).fill('write');
    await form.getByLabel('Skills', { exact: true }).press('Enter');
    await form.getByRole('button', { name: 'Add agent' }).click();
    await expect.poll(() => dialog().count()).toBe(0);
    const row = page.getByRole('table', { name: 'Agents' }).getByRole('row', { name: /scribe/ });
    await expect.poll(() => row.textContent()).toContain('write');
    expect(await isFocused(open())).toBe(true);
    const agents = (await baton.rpc('agents.list', {})).value as unknown as {
      id: string;
      skills: string[];
    }[];
    expect(agents.find((a) => a.id === 'scribe')).toMatchObject({ skills: ['write'] });
  });

  it('edits in the same dialog from a row: focus on the first field to change, Cancel and × close it unsaved', async () => {
    const edit = page.getByRole('button', { name: 'Edit hal' });
    await edit.click();
    const form = dialog('Edit agent hal').getByRole('form', { name: 'Edit agent hal' });
    await expect.poll(() => isFocused(form.getByLabel('Name (optional)'))).toBe(true);
    await form.getByLabel('Name (optional)').fill('HAL 9000');
    // A field changed: Cancel asks first, "Discard" closes.
    await form.getByRole('button', { name: 'Cancel' }).click();
    await question('Edit agent hal').getByRole('button', { name: 'Discard' }).click();
    await expect.poll(() => dialog('Edit agent hal').count()).toBe(0);
    expect(await isFocused(edit)).toBe(true);
    await edit.click();
    // Nothing changed: × closes at once.
    await dialog('Edit agent hal').getByRole('button', { name: 'Close' }).click();
    await expect.poll(() => dialog('Edit agent hal').count()).toBe(0);
    const agents = (await baton.rpc('agents.list', {})).value as unknown as { id: string; name: string }[];
    expect(agents.find((a) => a.id === 'hal')?.name).toBe('Hal');
  });

  for (const [width, height] of [
    [1440, 900],
    [1024, 768],
  ] as const) {
    it(`at ${width}: a coding agent's warning is a line or two, the rest folded; readable in both themes`, async () => {
      await page.setViewportSize({ width, height });
      await open().click();
      const form = dialog().getByRole('form', { name: 'Add an agent' });
      await form.getByLabel('Kind').selectOption('coding');
      const note = form.getByRole('note', { name: 'About coding agents' });
      // The lines of what shows before the fold.
      const lines = await note.evaluate((n) => {
        const fold = n.querySelector('details');
        if (!fold) return -1;
        const range = document.createRange();
        range.setStart(n, 0);
        range.setEndBefore(fold);
        const tops = [...range.getClientRects()]
          .filter((r) => r.width > 0)
          .map((r) => r.top)
          .sort((a, b) => a - b);
        // Boxes on one line (bold and plain text) start within a few pixels of each other.
        return tops.filter((t, i) => i === 0 || t - tops[i - 1]! > 6).length;
      });
      expect(lines).toBeGreaterThanOrEqual(1);
      expect(lines).toBeLessThanOrEqual(2);
      expect(await note.textContent()).toContain('These CLIs run commands on this machine.');
      const rest = note.getByText(/can send a tool call to Baton's Approvals/);
      expect(await rest.isVisible()).toBe(false);
      await note.locator('summary').click();
      expect(await rest.isVisible()).toBe(true);
      // The kind was changed: Escape asks, and the question reads well too.
      await page.keyboard.press('Escape');
      await question().waitFor();
      for (const scheme of ['light', 'dark'] as const) {
        await expectReadableIn(page, scheme, { width });
        // The backdrop sets the dialog clearly apart from the page behind it.
        expect(await modalSeparation(dialog())).toBeGreaterThanOrEqual(scheme === 'light' ? 3 : 1.3);
        await page.screenshot({ path: join(shots, `agent-form-dialog-${width}-${scheme}.png`) });
      }
      await question().getByRole('button', { name: 'Discard' }).click();
      await expect.poll(() => dialog().count()).toBe(0);
    });
  }
});
