import { describe, expect, it } from 'vitest';
import { unheardSameCall } from './same-call.ts';

const write = { tool: 'Write', server: null, input: { file_path: '/w/a.txt', content: 'hi\n' } };
const call = (approval_id: string, attempt: number, over: Partial<typeof write> = {}) => ({
  approval_id,
  attempt,
  ...write,
  ...over,
});
const ENDED = '2026-01-01T00:00:10.000Z';
const interrupted = [{ attempt: 1, outcome: 'interrupted' as const, finished_at: ENDED }];
const pending = () => ({ status: 'pending' as const, decided_at: null });

describe('unheardSameCall', () => {
  it('finds the pending approval an interrupted attempt asked for the same tool and arguments (key order aside)', () => {
    const again = { ...write, input: { content: 'hi\n', file_path: '/w/a.txt' } };
    expect(unheardSameCall(again, 2, [call('a1', 1)], pending, interrupted)).toBe('a1');
  });

  it('another tool, other arguments or another server is another call', () => {
    for (const other of [
      { tool: 'Edit' },
      { input: { file_path: '/w/b.txt', content: 'hi\n' } },
      { server: 'fs' },
    ])
      expect(unheardSameCall({ ...write, ...other }, 2, [call('a1', 1)], pending, interrupted)).toBeNull();
  });

  it('takes a decision made after the asking attempt ended (nobody heard it), not one made while it ran', () => {
    const after = () => ({ status: 'approved' as const, decided_at: '2026-01-01T00:00:20.000Z' });
    const before = () => ({ status: 'approved' as const, decided_at: '2026-01-01T00:00:05.000Z' });
    expect(unheardSameCall(write, 2, [call('a1', 1)], after, interrupted)).toBe('a1');
    expect(unheardSameCall(write, 2, [call('a1', 1)], before, interrupted)).toBeNull();
  });

  it('never an expired approval, one of this or a later attempt, or one an attempt that ended otherwise dropped', () => {
    const expired = () => ({ status: 'expired' as const, decided_at: ENDED });
    expect(unheardSameCall(write, 2, [call('a1', 1)], expired, interrupted)).toBeNull();
    expect(unheardSameCall(write, 2, [call('a2', 2)], pending, interrupted)).toBeNull();
    const failed = [{ attempt: 1, outcome: 'failed' as const, finished_at: ENDED }];
    expect(unheardSameCall(write, 2, [call('a1', 1)], pending, failed)).toBeNull();
    const thenFailed = [...interrupted, { attempt: 2, outcome: 'failed' as const, finished_at: ENDED }];
    expect(unheardSameCall(write, 3, [call('a1', 1)], pending, thenFailed)).toBeNull();
  });

  it('the latest interrupted attempt’s approval wins across several restarts', () => {
    const two = [...interrupted, { attempt: 2, outcome: 'interrupted' as const, finished_at: ENDED }];
    expect(unheardSameCall(write, 3, [call('a1', 1), call('a2', 2)], pending, two)).toBe('a2');
  });

  it('answers one call: once a later attempt took it, that attempt asks a second same call anew', () => {
    const decided = () => ({ status: 'rejected' as const, decided_at: '2026-01-01T00:00:20.000Z' });
    // Attempt 2 took a1 (its first same call): its second same call is asked anew.
    expect(unheardSameCall(write, 2, [call('a1', 1)], decided, interrupted, new Map([['a1', 2]]))).toBeNull();
    // Attempt 2 took it and was interrupted before it heard the answer: attempt 3 takes it.
    const two = [
      ...interrupted,
      { attempt: 2, outcome: 'interrupted' as const, finished_at: '2026-01-01T00:00:15.000Z' },
    ];
    expect(unheardSameCall(write, 3, [call('a1', 1)], decided, two, new Map([['a1', 2]]))).toBe('a1');
    // Attempt 2 heard it (decided before it ended): attempt 3 asks anew.
    const heard = [
      ...interrupted,
      { attempt: 2, outcome: 'interrupted' as const, finished_at: '2026-01-01T00:00:30.000Z' },
    ];
    expect(unheardSameCall(write, 3, [call('a1', 1)], decided, heard, new Map([['a1', 2]]))).toBeNull();
  });
});
