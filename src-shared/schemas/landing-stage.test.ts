import { describe, expect, it } from 'vitest';
import type { Landing } from './landing.ts';
import { stageLine, stageOf, stageOfAll, stageSentence, stageWords, stageWordsOf } from './landing-stage.ts';

const open: Landing = {
  run_id: 'r1',
  task_id: 'api',
  workspace_id: 'app',
  mode: 'pull_request',
  branch: 'baton/r1/api',
  commit: 'a'.repeat(40),
  pushed_commit: 'a'.repeat(40),
  state: 'open',
  pr_number: 7,
  pr_url: 'https://github.com/acme/app/pull/7',
  pr_draft: false,
  merge_commit: null,
  message: 'opened pull request #7',
  fix_rounds: 0,
  fix: null,
  created_at: '2026-01-01T00:00:00Z',
  updated_at: '2026-01-01T00:00:00Z',
};

describe("a run's landing stage", () => {
  it('is in review while its pull request is open, landed once merged, not landed once closed', () => {
    expect(stageOf(open)).toBe('in_review');
    expect(stageWords(stageOf(open))).toBe('in review on GitHub');
    expect(stageOf({ ...open, state: 'merged' })).toBe('landed');
    expect(stageOf({ ...open, state: 'closed' })).toBe('not_landed');
    expect(stageOf({ ...open, state: 'gone' })).toBe('not_landed');
    expect(stageOf({ ...open, state: 'fixing' })).toBe('fixing');
    expect(stageOf({ ...open, state: 'pushed' })).toBe('landing');
    expect(stageOf({ ...open, mode: 'push', state: 'pushed' })).toBe('landed');
  });

  it("names its workspace's forge: GitLab's or Gitea's as GitHub's", () => {
    const gitlab = { ...open, forge: 'gitlab' as const };
    expect(stageWordsOf([gitlab])).toBe('in review on GitLab');
    expect(stageSentence([gitlab])).toBe('In review on GitLab: pull request #7');
    expect(stageLine({ ...open, forge: 'gitea', state: 'fixing' })).toBe(
      'fixing for Gitea / Forgejo, pull request #7',
    );
    expect(stageWordsOf([{ ...open, forge: 'github' }])).toBe('in review on GitHub');
  });

  it("of several landings is the one that needs a person's eye first", () => {
    const merged = { ...open, task_id: 'ui', state: 'merged' as const, pr_number: 8 };
    expect(stageOfAll([])).toBeNull();
    expect(stageOfAll([merged, open])).toBe('in_review');
    expect(stageOfAll([merged, { ...open, state: 'closed' }])).toBe('not_landed');
    expect(stageOfAll([merged])).toBe('landed');
  });

  it('says it in a sentence, with why it did not land', () => {
    expect(stageSentence([open])).toBe('In review on GitHub: pull request #7');
    expect(stageSentence([{ ...open, pr_draft: true }])).toBe(
      'In review on GitHub: pull request #7 (draft until its checks pass)',
    );
    expect(
      stageSentence([
        { ...open, state: 'closed', message: 'pull request #7 was closed without being merged' },
      ]),
    ).toBe('Not landed: pull request #7 was closed without being merged');
    expect(stageSentence([{ ...open, state: 'merged' }])).toBe('Landed: pull request #7 merged');
    expect(stageSentence([])).toBeNull();
  });

  it('says one landing in a line, as baton show ends a task', () => {
    expect(stageLine(open)).toBe('in review on GitHub, pull request #7');
    expect(stageLine({ ...open, state: 'merged' })).toBe('landed, pull request #7');
    expect(
      stageLine({ ...open, state: 'closed', message: 'pull request #7 was closed without being merged' }),
    ).toBe('not landed: pull request #7 was closed without being merged');
  });

  it('says "rebasing on main" while the base moved and conflicts, and fixing for GitHub beside another round', () => {
    const conflict: Landing = {
      ...open,
      state: 'fixing',
      fix: {
        kind: 'conflict',
        key: 'base:b:a',
        round: 1,
        summary: 'main moved and conflicts in health.ts',
        prompt: '…',
        run_id: 'r2',
        base: { branch: 'main', commit: 'b'.repeat(40) },
      },
    };
    expect(stageWordsOf([conflict])).toBe('rebasing on main');
    expect(stageSentence([{ ...conflict, message: 'fix round 1: main moved' }])).toBe(
      'Rebasing on main: fix round 1: main moved',
    );
    expect(stageLine(conflict)).toBe('rebasing on main, pull request #7');
    expect(stageWordsOf([conflict, { ...open, task_id: 'web' }])).toBe('rebasing on main');
    const checks: Landing = {
      ...open,
      task_id: 'web',
      state: 'fixing',
      fix: { ...conflict.fix!, kind: 'checks' },
    };
    expect(stageWordsOf([conflict, checks])).toBe('fixing for GitHub');
    expect(stageWordsOf([open])).toBe('in review on GitHub');
    expect(stageWordsOf([])).toBeNull();
  });
});
