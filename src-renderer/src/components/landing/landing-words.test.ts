import { describe, expect, it } from 'vitest';
import type { Landing } from '../../../../src-shared/schemas/landing.ts';
import { landingWords } from './landing-words.ts';

const base: Landing = {
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

describe('a landing in words', () => {
  it('names an open, a draft and a merged pull request', () => {
    expect(landingWords(base)).toEqual({
      state: 'In review',
      link: 'Pull request #7',
      detail: 'baton/r1/api',
      why: null,
    });
    expect(landingWords({ ...base, pr_draft: true }).state).toBe('Draft PR');
    expect(landingWords({ ...base, state: 'merged', merge_commit: 'b'.repeat(40) })).toMatchObject({
      state: 'Merged',
      detail: 'merge commit bbbbbbbbbb',
    });
  });

  it('says what its agent is fixing, and how many rounds it took', () => {
    const fix = {
      kind: 'checks' as const,
      key: 'checks:abc',
      round: 1,
      summary: 'the check build failed',
      prompt: '…',
      run_id: null,
    };
    expect(landingWords({ ...base, state: 'fixing', fix, fix_rounds: 1 })).toMatchObject({
      state: 'Fixing',
      detail: 'fix round 1: the check build failed',
    });
    expect(landingWords({ ...base, fix_rounds: 2 }).detail).toBe('2 fix rounds so far');
    const conflict = {
      ...fix,
      kind: 'conflict' as const,
      summary: 'main moved and conflicts in health.ts',
      base: { branch: 'main', commit: 'b'.repeat(40) },
    };
    expect(landingWords({ ...base, state: 'fixing', fix: conflict, fix_rounds: 1 })).toMatchObject({
      state: 'Rebasing',
      detail: 'fix round 1: main moved and conflicts in health.ts',
    });
    const own = { ...conflict, round: 0, summary: 'rebasing on main', rebased: 'c'.repeat(40) };
    expect(landingWords({ ...base, state: 'fixing', fix: own }).detail).toBe('rebasing on main, by Baton');
  });

  it('says why one failed, closed or is gone, and names a pushed branch without a pull request', () => {
    expect(
      landingWords({ ...base, state: 'failed', pr_number: null, pr_url: null, message: 'token refused' }),
    ).toEqual({
      state: 'Not landed',
      link: 'baton/r1/api',
      detail: null,
      why: 'token refused',
    });
    expect(landingWords({ ...base, state: 'gone', message: 'deleted' }).why).toBe('deleted');
    expect(
      landingWords({ ...base, mode: 'push', state: 'pushed', pr_number: null, pr_url: null }).state,
    ).toBe('Pushed');
  });
});
