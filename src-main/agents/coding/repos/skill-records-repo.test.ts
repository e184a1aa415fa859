import { describe, expect, it } from 'vitest';
import { HISTORY_AT, seedSkillHistory } from '../../../../test/kit/skill-history.ts';
import { openDatabase } from '../../../store/db.ts';
import { createStore } from '../../../store/store.ts';
import { codingStore } from './coding-store.ts';

const fresh = () => codingStore(createStore(openDatabase(':memory:')));

describe('agents’ records per skill', () => {
  it('counts attempts, checks passed on the last round, fix rounds, candidacies and wins, per skill', () => {
    const store = fresh();
    seedSkillHistory(store, 'p', 'run-1', [
      // cody: passed after one fix round; then failed its checks twice and was retried by ada, who passed.
      {
        task_id: 'a',
        required_skills: ['ts'],
        attempts: [
          {
            agent: 'cody',
            outcome: 'done',
            rounds: [
              ['failed', 'passed'],
              ['passed', 'passed'],
            ],
          },
        ],
      },
      {
        task_id: 'b',
        required_skills: ['ts', 'sql'],
        attempts: [
          { agent: 'cody', outcome: 'failed', rounds: [['failed'], ['failed'], ['failed']] },
          { agent: 'ada', outcome: 'done', rounds: [['passed']] },
        ],
      },
      // Best of 3: ada wins with her checks passing after a fix round; cody twice, once failing.
      {
        task_id: 'c',
        required_skills: ['ts'],
        attempts: [
          {
            agent: 'cody',
            outcome: 'done',
            candidates: [
              { agent: 'cody', checks: [1, 2] },
              { agent: 'ada', checks: [2, 2], rounds: 1, winner: true },
              { agent: 'cody', checks: [2, 2], rounds: 2 },
            ],
          },
        ],
      },
      // No checks ran; another skill; one still running.
      { task_id: 'd', required_skills: ['ts'], attempts: [{ agent: 'echo', outcome: 'done' }] },
      {
        task_id: 'e',
        required_skills: ['docs'],
        attempts: [{ agent: 'cody', outcome: 'done', rounds: [['passed']] }],
      },
      {
        task_id: 'f',
        required_skills: ['ts'],
        attempts: [{ agent: 'ada', outcome: 'in_progress', rounds: [['failed']] }],
      },
    ]);

    const ts = store.skillRecords.forSkill('ts', null);
    const byAgent = Object.fromEntries(ts.map((r) => [r.agent_id, r]));
    expect(byAgent).toEqual({
      cody: {
        agent_id: 'cody',
        skill: 'ts',
        // a, b's first attempt, and two candidacies of c (the best-of attempt itself is not counted).
        attempts: 4,
        checked: 4,
        // a (after its fix round) and candidate #3 (after two).
        checks_passed: 2,
        fix_rounds: 1 + 2 + 0 + 2,
        candidacies: 2,
        wins: 0,
      },
      ada: {
        agent_id: 'ada',
        skill: 'ts',
        attempts: 2,
        checked: 2,
        checks_passed: 2,
        fix_rounds: 1,
        candidacies: 1,
        wins: 1,
      },
      echo: {
        agent_id: 'echo',
        skill: 'ts',
        attempts: 1,
        checked: 0,
        checks_passed: 0,
        fix_rounds: 0,
        candidacies: 0,
        wins: 0,
      },
    });
    // A task needing two skills counts for each; a skill nobody worked on has no records.
    expect(
      store.skillRecords.forSkill('sql', null).map((r) => [r.agent_id, r.attempts, r.checks_passed]),
    ).toEqual(
      expect.arrayContaining([
        ['cody', 1, 0],
        ['ada', 1, 1],
      ]),
    );
    expect(store.skillRecords.forSkill('go', null)).toEqual([]);

    // Matching's view: candidacies and wins per skill of one agent.
    // For matching, one candidacy per attempt among other agents (cody's two tries are one), with
    // the share an equal would have won: one in two agents.
    expect(store.skillRecords.winsOf('ada')).toEqual(
      new Map([['ts', { wins: 1, candidacies: 1, expected: 0.5 }]]),
    );
    expect(store.skillRecords.winsOf('cody')).toEqual(
      new Map([['ts', { wins: 0, candidacies: 1, expected: 0.5 }]]),
    );
    expect(store.skillRecords.winsOf('echo')).toEqual(new Map());
  });

  it('counts a person’s pick at the diff review as the win, and only attempts started since a time', () => {
    const store = fresh();
    seedSkillHistory(store, 'p', 'run-1', [
      {
        task_id: 'old',
        required_skills: ['ts'],
        attempts: [{ agent: 'cody', outcome: 'done', rounds: [['passed']], at: 0 }],
      },
      {
        task_id: 'new',
        required_skills: ['ts'],
        attempts: [
          {
            agent: 'cody',
            outcome: 'done',
            at: 60,
            candidates: [
              { agent: 'cody', checks: [1, 1], winner: true },
              { agent: 'ada', checks: [1, 1] },
            ],
          },
        ],
      },
    ]);
    store.bestOf.pick('run-1', 'new', 1, 2, 'ana');
    expect(store.skillRecords.winsOf('ada').get('ts')).toEqual({ wins: 1, candidacies: 1, expected: 0.5 });
    expect(store.skillRecords.winsOf('cody').get('ts')).toEqual({ wins: 0, candidacies: 1, expected: 0.5 });
    const since = store.skillRecords.forSkill('ts', HISTORY_AT(30));
    expect(since.map((r) => [r.agent_id, r.attempts, r.wins]).sort()).toEqual([
      ['ada', 1, 1],
      ['cody', 1, 0],
    ]);
  });

  it('for matching, counts no candidacy of an attempt whose candidates were all one agent, and a third against two rivals', () => {
    const store = fresh();
    seedSkillHistory(store, 'p', 'run-1', [
      // The default best of 3: one agent's three tries, one of which had to win.
      {
        task_id: 'alone',
        required_skills: ['ts'],
        attempts: [
          {
            agent: 'cody',
            outcome: 'done',
            candidates: [
              { agent: 'cody', checks: [1, 1], winner: true },
              { agent: 'cody', checks: [1, 1] },
              { agent: 'cody', checks: [0, 1] },
            ],
          },
        ],
      },
      {
        task_id: 'three',
        required_skills: ['ts'],
        attempts: [
          {
            agent: 'cody',
            outcome: 'done',
            candidates: [
              { agent: 'ada', checks: [0, 1] },
              { agent: 'cody', checks: [1, 1], winner: true },
              { agent: 'echo', checks: [0, 1] },
            ],
          },
        ],
      },
    ]);
    const third = 1 / 3;
    expect(store.skillRecords.winsOf('cody')).toEqual(
      new Map([['ts', { wins: 1, candidacies: 1, expected: third }]]),
    );
    expect(store.skillRecords.winsOf('ada')).toEqual(
      new Map([['ts', { wins: 0, candidacies: 1, expected: third }]]),
    );
  });
});
