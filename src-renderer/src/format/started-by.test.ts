import { describe, expect, it } from 'vitest';
import { startedByShort, startedByText } from './started-by.ts';

describe('startedByText', () => {
  it('names a person, and says what a schedule, a trigger, the CLI, MCP or the API is', () => {
    expect(startedByText('Bea')).toBe('started by Bea');
    expect(startedByText('schedule')).toBe('started by a schedule');
    expect(startedByText('trigger')).toBe('started by a trigger (an incoming call)');
    expect(startedByText('cli')).toBe('started from the command line');
    expect(startedByText('mcp')).toBe('started by an agent over MCP');
    expect(startedByText('api')).toBe('started through the REST API');
    expect(startedByText('github')).toBe(
      'started by its pull request on GitHub (a fix round: failing checks or a review asking for changes)',
    );
  });
  it('says nothing for a run from before it was recorded', () => {
    expect(startedByText('github-issue:acme/app#12')).toBe(
      'started by GitHub issue #12 of acme/app (a trigger watching its label)',
    );
    expect(startedByText(null)).toBeNull();
  });
});

describe('startedByShort', () => {
  it('keeps a name, and says what started a run otherwise in a word or two', () => {
    expect(startedByShort('Bea')).toBe('Bea');
    expect(startedByShort('cli')).toBe('command line');
    expect(startedByShort('mcp')).toBe('an agent (MCP)');
    expect(startedByShort('api')).toBe('REST API');
    expect(startedByShort('github-issue:acme/app#12')).toBe('GitHub issue #12');
    expect(startedByShort('github-issue: not one')).toBe('github-issue: not one');
    expect(startedByShort('schedule')).toBe('a schedule');
    expect(startedByShort('github')).toBe('GitHub fix round');
    expect(startedByShort(null)).toBeNull();
  });
});
