import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Baton } from './harness.ts';
import { launchBaton, shots, skipE2e } from './harness.ts';

interface Audit {
  actor: string;
  entity_id: string;
  from_status: string | null;
  to_status: string | null;
  why: string;
}

// My tasks for a team: Alice and Bob, each in their own browser profile (who they are kept
// there). Alice reassigns the task she holds to Bob, who finds it under Mine and gives it back;
// it waits in Everyone's list again, for either of them.
describe.skipIf(skipE2e)("My tasks: everyone's tasks, reassigned and given back", () => {
  let baton: Baton;
  let alice: Page;
  let bob: Page;
  let runId: string;

  /** A page of its own profile, as a person who said who they are. */
  const openAs = async (name: string, agentId: string) => {
    const context = await baton.browser.newContext({ viewport: { width: 1440, height: 900 } });
    const page = await context.newPage();
    await page.addInitScript((who) => localStorage.setItem('baton.identity', JSON.stringify(who)), {
      name,
      agentId,
    });
    await page.goto(baton.server.url);
    await page
      .getByRole('navigation', { name: 'Sections' })
      .getByRole('link', { name: /^My tasks/ })
      .click();
    return page;
  };
  const whose = (page: Page, name: 'Mine' | "Everyone's") =>
    page.getByRole('group', { name: 'Whose tasks' }).getByRole('button', { name });
  const held = (page: Page) => page.getByRole('list', { name: 'Tasks you hold' }).getByRole('listitem');

  beforeAll(async () => {
    baton = await launchBaton('team-tasks', { width: 1440, height: 900 });
    await baton.rpc('agents.import', {
      agents: [
        { id: 'alice', name: 'Alice', kind: 'human', skills: ['sign'] },
        { id: 'bob', name: 'Bob', kind: 'human', skills: ['sign'] },
        { id: 'dana', name: 'Dana', kind: 'human', skills: ['legal'] },
      ],
    });
    await baton.rpc('plans.import', {
      plan: {
        plan_id: 'release',
        name: 'Release',
        tasks: [
          { task_id: 'sign-off', description: 'Sign off the release notes', required_skills: ['sign'] },
          { task_id: 'announce', description: 'Approve the announcement', required_skills: ['sign'] },
        ],
      },
    });
    runId = (await baton.rpc('runs.start', { plan_id: 'release' })).value.run_id as string;
    alice = await openAs('Alice', 'alice');
    bob = await openAs('Bob', 'bob');
  });
  afterAll(() => baton?.close());

  it("shows everyone's waiting tasks by person, with how long each waited", async () => {
    const take = alice
      .getByRole('table', { name: 'Tasks to take' })
      .getByRole('row', { name: 'Task sign-off to take' });
    await take.getByRole('button', { name: 'Take it' }).click();
    await expect.poll(() => held(alice).count()).toBe(1);
    await whose(alice, "Everyone's").click();
    expect(await whose(alice, "Everyone's").getAttribute('aria-pressed')).toBe('true');
    const everyone = alice.getByRole('region', { name: "Everyone's tasks" });
    const ofAlice = everyone.getByRole('region', { name: 'Tasks of Alice' });
    const shared = everyone.getByRole('region', { name: 'Tasks for Alice or Bob' });
    await expect.poll(() => ofAlice.getByRole('row', { name: 'Task sign-off' }).count()).toBe(1);
    expect(await ofAlice.getByRole('row', { name: 'Task sign-off' }).textContent()).toContain(
      'held by Alice',
    );
    const waiting = shared.getByRole('row', { name: 'Task announce' });
    expect(await waiting.textContent()).toContain('waiting to be taken');
    expect(await waiting.getByRole('cell').nth(3).textContent()).toMatch(/^under a minute|^\d+ min/);
    // Dana has nothing: said once, not a table of her own.
    expect(await everyone.textContent()).toContain('Nothing for Dana right now.');
    await alice.screenshot({ path: join(shots, 'team-tasks-everyone.png') });
  });

  it('refuses a person who lacks the skill, then hands the task to Bob, who finds it under Mine', async () => {
    const ofAlice = alice.getByRole('region', { name: 'Tasks of Alice' });
    await ofAlice
      .getByRole('row', { name: 'Task sign-off' })
      .getByRole('button', { name: 'Reassign sign-off…' })
      .click();
    const dialog = alice.getByRole('dialog', { name: 'Reassign sign-off' });
    const to = dialog.getByLabel('Hand it to');
    // Dana lacks the skill: offered, but not choosable, and says why.
    await expect
      .poll(() => to.getByRole('option').allTextContents())
      .toEqual(['Bob (bob)', 'Dana (dana) — lacks sign']);
    expect(await to.getByRole('option', { name: /Dana/ }).isDisabled()).toBe(true);
    expect(await to.inputValue()).toBe('bob');
    await dialog.getByLabel('Note (kept in the audit log)').fill('I am away this week');
    await dialog.getByRole('button', { name: 'Reassign' }).click();
    await expect.poll(() => dialog.count()).toBe(0);
    // Bob sees it in his hands without reloading.
    await expect.poll(() => held(bob).count()).toBe(1);
    expect(await held(bob).first().getAttribute('aria-label')).toBe('Task sign-off in progress');
    await expect.poll(() => held(alice).count()).toBe(0);
    const audit = ((await baton.rpc('audit.list', { run_id: runId })).value as unknown as Audit[]).filter(
      (e) => e.entity_id === 'sign-off',
    );
    expect(audit.slice(-2).map((e) => [e.actor, e.from_status, e.to_status])).toEqual([
      ['Alice', 'in_progress', 'ready'],
      ['Alice', 'ready', 'in_progress'],
    ]);
    expect(audit.at(-1)!.why).toBe('handed to bob by Alice (alice held it): I am away this week');
    await bob.screenshot({ path: join(shots, 'team-tasks-bob-mine.png') });
  });

  it("gives the task back: it waits in Everyone's list again, the attempt given back, not failed", async () => {
    await held(bob).first().getByRole('button', { name: 'Give back…' }).click();
    const dialog = bob.getByRole('dialog', { name: 'Give back sign-off' });
    await dialog.getByLabel('Why (optional, kept in the audit log)').fill('Legal must sign this one');
    await dialog.getByRole('button', { name: 'Give back' }).click();
    await expect.poll(() => held(bob).count()).toBe(0);
    await whose(bob, "Everyone's").click();
    const shared = bob.getByRole('region', { name: 'Tasks for Alice or Bob' });
    await expect
      .poll(async () => shared.getByRole('row', { name: 'Task sign-off' }).textContent())
      .toContain('waiting to be taken');
    // Bob may take it again from here, as anyone with the skill.
    expect(
      await shared
        .getByRole('row', { name: 'Task sign-off' })
        .getByRole('button', { name: 'Take it' })
        .count(),
    ).toBe(1);
    const attempts = (await baton.rpc('runs.taskAttempts', { run_id: runId, task_id: 'sign-off' }))
      .value as unknown as { agent_id: string; outcome: string; error: string }[];
    expect(attempts.map((a) => [a.agent_id, a.outcome, a.error])).toEqual([
      ['alice', 'given_back', 'reassigned to bob by Alice: I am away this week'],
      ['bob', 'given_back', 'given back by Bob: Legal must sign this one'],
    ]);
    // Alice's list says the same, live.
    await expect
      .poll(async () =>
        alice
          .getByRole('region', { name: 'Tasks for Alice or Bob' })
          .getByRole('row', { name: 'Task sign-off' })
          .count(),
      )
      .toBe(1);
    await bob.screenshot({ path: join(shots, 'team-tasks-given-back.png') });
  });
});
