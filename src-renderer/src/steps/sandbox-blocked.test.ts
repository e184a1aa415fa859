import { describe, expect, it } from 'vitest';
import type { Step } from '../../../src-shared/schemas/step.ts';
import { blockedLines } from './sandbox-blocked.ts';

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
