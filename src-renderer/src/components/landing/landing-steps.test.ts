import { describe, expect, it } from 'vitest';
import type { Landing } from '../../../../src-shared/schemas/landing.ts';
import { landingSteps } from './landing-steps.ts';

const base: Landing = {
  run_id: 'run-1',
  task_id: 'fix',
  workspace_id: 'app',
  mode: 'pull_request',
  branch: 'baton/run-1/fix',
  commit: 'a'.repeat(40),
  pushed_commit: 'a'.repeat(40),
  state: 'open',
  pr_number: 7,
  pr_url: 'https://github.com/acme/app/pull/7',
  pr_draft: false,
  merge_commit: null,
  message: null,
  fix_rounds: 0,
  fix: null,
  created_at: '2026-11-27T10:00:00.000Z',
  updated_at: '2026-11-27T10:00:00.000Z',
};
const seen = (
  checks: { total: number; failed: string[]; pending: number },
  approved: string[] = [],
  asked: string[] = [],
) => ({
  head: 'a'.repeat(40),
  checks,
  review: { approved, changes_requested: asked },
  at: '2026-11-27T10:01:00.000Z',
});
const said = (l: Landing) => landingSteps(l).map((s) => `${s.name} ${s.state}${s.text ? `: ${s.text}` : ''}`);

describe("a landing's steps", () => {
  it('shows passing checks and an approval before any fix round', () => {
    expect(said({ ...base, pr_seen: seen({ total: 3, failed: [], pending: 0 }, ['ana']) })).toEqual([
      'Pushed done: baton/run-1/fix',
      'Pull request done: #7',
      'Checks done: 3 passed',
      'Review done: approved by ana',
      'Merged todo',
    ]);
  });

  it('says checks still running, failing, and reviewers not heard from yet', () => {
    expect(
      said({ ...base, pr_draft: true, pr_seen: seen({ total: 3, failed: [], pending: 1 }) }).slice(1, 4),
    ).toEqual([
      'Pull request done: #7 (draft)',
      'Checks now: 2 of 3 passed, 1 running',
      'Review waiting: waiting for reviewers',
    ]);
    expect(
      said({ ...base, pr_seen: seen({ total: 2, failed: ['test'], pending: 0 }, [], ['bo']) }).slice(2, 4),
    ).toEqual(['Checks failed: 1 of 2 failed: test', 'Review failed: changes asked by bo']);
    expect(said(base)[2]).toBe('Checks waiting: not read yet');
  });

  it('says which step a fix round answers', () => {
    const fixing: Landing = {
      ...base,
      state: 'fixing',
      fix: {
        kind: 'review',
        key: 'review:1',
        round: 1,
        summary: 'bo asked for changes',
        prompt: '',
        run_id: 'run-2',
      },
      pr_seen: seen({ total: 1, failed: [], pending: 0 }, [], ['bo']),
    };
    expect(said(fixing).slice(2, 4)).toEqual([
      'Checks done: 1 passed',
      'Review now: fix round 1: bo asked for changes',
    ]);
  });

  it('ends merged with its merge commit, or closed; a push is one step; a failed push fails the first', () => {
    expect(said({ ...base, state: 'merged', merge_commit: 'd'.repeat(40) }).slice(2)).toEqual([
      'Checks done: passed',
      'Review done: merged without an approval seen',
      'Merged done: dddddddddd',
    ]);
    expect(said({ ...base, state: 'closed' }).at(-1)).toBe('Merged failed: closed without merging');
    expect(said({ ...base, mode: 'push', state: 'pushed', pr_number: null, pr_url: null })).toEqual([
      'Pushed done: baton/run-1/fix',
    ]);
    expect(
      said({ ...base, state: 'failed', pr_number: null, pr_url: null, pushed_commit: null }).slice(0, 2),
    ).toEqual(['Pushed failed: not pushed', 'Pull request failed: not opened']);
  });
});
