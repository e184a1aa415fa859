import { describe, expect, it } from 'vitest';
import type { Step } from '../../../src-shared/schemas/step.ts';
import { cacheOf, cacheWrites } from './cache-writes.ts';
import { blockedLines } from './sandbox-blocked.ts';
import { stepTotals } from './step-book.ts';

let seq = 0;
const write = (target: string, process = 'qwen'): Step => ({
  kind: 'sandbox',
  seq: seq++,
  at: '2026-11-25T02:00:00.000Z',
  blocked: 'write',
  target,
  process,
  seen_by: 'filter',
  text: `sandbox: ${target}`,
});

describe('writes to package managers’ caches', () => {
  it('knows the caches of npm, pip, yarn, pnpm, cargo, go and the like, by their folder', () => {
    expect(cacheOf('/root/.npm/_cacache/index-v5/ab/cd')).toEqual({ tool: 'npm', folder: '/root/.npm' });
    expect(cacheOf('/home/ana/.cache/pip/http/x')).toEqual({ tool: 'pip', folder: '/home/ana/.cache/pip' });
    expect(cacheOf('/home/ana/.cargo/registry/index')).toEqual({
      tool: 'cargo',
      folder: '/home/ana/.cargo/registry',
    });
    expect(cacheOf('/home/ana/go/pkg/mod/cache')).toEqual({ tool: 'go', folder: '/home/ana/go/pkg/mod' });
    expect(cacheOf('/etc/hosts')).toBeNull();
    expect(cacheOf('/home/ana/src/app/.npmrc')).toBeNull();
  });

  it('are left out of what the sandbox found, and said apart with whose sandbox refused them', () => {
    const steps = [
      write('/root/.npm/_logs/1.log', 'check test'),
      write('/root/.npm/_cacache/x', 'check lint'),
      write('/home/ana/.cache/pip/y'),
      write('/etc/x'),
    ];
    expect(blockedLines(steps)).toEqual(['1 write blocked: /etc/x']);
    expect(stepTotals(steps)).toMatchObject({ blocked: 1, cache_writes: 3 });
    expect(cacheWrites(steps)).toEqual([
      { tool: 'npm', folder: '/root/.npm', owner: 'workspace' },
      { tool: 'pip', folder: '/home/ana/.cache/pip', owner: 'agent' },
    ]);
  });
});
