import { describe, expect, it } from 'vitest';
import type { Step } from '../../../src-shared/schemas/step.ts';
import { blockedByCandidate, blockedLines, blockedTotal } from './sandbox-blocked.ts';

let seq = 0;
const blocked = (kind: 'network' | 'write' | 'read', target: string): Step => ({
  kind: 'sandbox',
  seq: seq++,
  at: '2026-11-25T02:00:00.000Z',
  blocked: kind,
  target,
  process: 'command',
  seen_by: 'filter',
  text: `sandbox: ${target}`,
});

describe('blockedLines', () => {
  it('says per kind how many were blocked and names each target once', () => {
    expect(
      blockedLines([
        blocked('write', '/etc/x'),
        blocked('network', 'example.com:443'),
        {
          kind: 'message',
          seq: seq++,
          at: '2026-11-25T02:00:00.000Z',
          role: 'assistant',
          text: 'hi',
        } as Step,
        blocked('network', '127.0.0.1:8080'),
        blocked('network', 'example.com:443'),
      ]),
    ).toEqual(['3 connections blocked: example.com:443, 127.0.0.1:8080', '1 write blocked: /etc/x']);
  });

  it('names three targets, then how many more; nothing blocked is no line', () => {
    const reads = ['/a', '/b', '/c', '/d', '/e'].map((p) => blocked('read', p));
    expect(blockedLines(reads)).toEqual(['5 reads blocked: /a, /b, /c and 2 more']);
    expect(blockedLines([])).toEqual([]);
  });
});

describe('a best-of attempt’s blocks, candidate by candidate', () => {
  const of = (candidate: number, kind: 'network' | 'write' | 'read', target: string): Step =>
    ({
      ...blocked(kind, target),
      candidate,
    }) as Step;
  const steps = [
    of(1, 'write', '/etc/a'),
    of(1, 'write', '/etc/b'),
    of(2, 'network', 'x.com:443'),
    of(1, 'read', '/r'),
  ];

  it('says the candidate under review’s blocks, and one line for each other candidate', () => {
    expect(blockedByCandidate(steps, [1, 2, 3], 2)).toEqual({
      underReview: ['1 connection blocked: x.com:443'],
      others: ['#1: 2 writes blocked, 1 read blocked', '#3: nothing blocked'],
    });
    expect(blockedByCandidate(steps, [1, 2], 1).underReview).toEqual([
      '2 writes blocked: /etc/a, /etc/b',
      '1 read blocked: /r',
    ]);
  });

  it('counts the totals per candidate when there are candidates', () => {
    expect(blockedTotal(4, new Map())).toBe('4 blocked');
    expect(
      blockedTotal(
        4,
        new Map([
          [2, 1],
          [1, 3],
        ]),
      ),
    ).toBe('4 blocked: #1 3, #2 1');
  });
});
