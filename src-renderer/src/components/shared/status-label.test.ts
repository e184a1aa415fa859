import { describe, expect, it } from 'vitest';
import { task } from '../runs/task-run.fixture.ts';
import { statusPill, waitsForPerson } from './status-label.ts';

const humans = new Set(['ana']);
const waitingFor = (agent: string) => ({
  agent_id: null,
  match: { agent_id: agent, score: null, rejected: [] },
});

describe('waitsForPerson', () => {
  it('is true for a task awaiting approval, and for one ready for a human agent to take', () => {
    expect(waitsForPerson(task('a', 'awaiting_approval'), humans)).toBe(true);
    expect(waitsForPerson(task('s', 'ready', waitingFor('ana')), humans)).toBe(true);
  });

  it('is false for a task ready for an agent that is not a person, blocked, or not there', () => {
    expect(waitsForPerson(task('r', 'ready', waitingFor('bot')), humans)).toBe(false);
    expect(waitsForPerson(task('b', 'blocked', waitingFor('ana')), humans)).toBe(false);
    expect(waitsForPerson(undefined, humans)).toBe(false);
  });
});

describe('statusPill', () => {
  it('says a task ready for a person is, in its own class; any other status as it is', () => {
    expect(statusPill(task('s', 'ready', waitingFor('ana')), humans)).toEqual({
      className: 'status-person',
      label: 'Ready for a person',
    });
    expect(statusPill(task('r', 'ready', waitingFor('bot')), humans)).toEqual({
      className: 'status-ready',
      label: 'Ready',
    });
    expect(statusPill(task('a', 'awaiting_approval'), humans)).toEqual({
      className: 'status-awaiting_approval',
      label: 'Awaiting approval',
    });
  });
});
