import { describe, expect, it } from 'vitest';
import type { Step } from '../../../../src-shared/schemas/step.ts';
import type { CodingOutput } from '../../../../src-shared/schemas/workspace.ts';
import { changedNothing, toolCallsSaid, toolCallTally, unchangedVerdict } from './unchanged.ts';

const call = (seq: number, id: string, status: 'running' | 'done' | 'failed' | 'denied'): Step => ({
  kind: 'tool_call',
  seq,
  at: '2026-01-01T00:00:00Z',
  call_id: id,
  name: 'Bash',
  server: null,
  input: {},
  status,
  output: null,
  error: null,
  ended_at: null,
  duration_ms: null,
});

describe('an attempt that changed nothing', () => {
  it('counts each tool call once, as it last ended', () => {
    const t = toolCallTally();
    t.see(call(1, 'a', 'running'));
    t.see(call(1, 'a', 'failed'));
    t.see(call(2, 'b', 'done'));
    t.see(call(3, 'c', 'denied'));
    t.see({ kind: 'message', seq: 4, at: '2026-01-01T00:00:00Z', role: 'assistant', text: 'Done.' });
    expect(t.counts).toEqual({ calls: 3, failed: 1, denied: 1 });
    expect(toolCallsSaid(t.counts)).toBe('1 of 3 tool calls failed, 1 denied');
    expect(toolCallsSaid({ calls: 1, failed: 1, denied: 0 })).toBe('1 of 1 tool call failed');
    expect(toolCallsSaid({ calls: 0, failed: 0, denied: 0 })).toBe('it made no tool call');
  });

  it('says so, with the tool calls and what the agent claimed, cut short', () => {
    expect(changedNothing({ calls: 1, failed: 1, denied: 0 }, 'Done: the port\nis read.')).toBe(
      'the attempt changed nothing: no file differs from where the task\'s branch started, so there is no diff to review (1 of 1 tool call failed); the agent said: "Done: the port is read."',
    );
    expect(changedNothing({ calls: 0, failed: 0, denied: 0 }, '')).toBe(
      "the attempt changed nothing: no file differs from where the task's branch started, so there is no diff to review (it made no tool call)",
    );
    expect(changedNothing({ calls: 0, failed: 0, denied: 0 }, 'x'.repeat(400))).toContain(
      `"${'x'.repeat(300)}…"`,
    );
  });

  it('fails a reviewed attempt, says an unreviewed one, and lets one that changed something through', () => {
    const out = (files: number, commit = 'c2'): CodingOutput => ({
      workspace_id: 'app',
      branch: 'b',
      commit,
      start_commit: 'c0',
      files: Array.from({ length: files }, (_, i) => ({
        path: `f${i}`,
        status: 'added',
        additions: 1,
        deletions: 0,
      })),
      additions: files,
      deletions: 0,
      summary: 'Done.',
      session_id: null,
      diff_artifact: null,
    });
    const counts = { calls: 1, failed: 1, denied: 0 };
    expect(unchangedVerdict(out(2), null, counts, true)).toBeNull();
    expect(unchangedVerdict(out(2, 'c1'), 'c0', counts, true)).toBeNull();
    expect(unchangedVerdict(out(0), null, counts, true)).toEqual({ fail: changedNothing(counts, 'Done.') });
    expect(unchangedVerdict(out(0), null, counts, false)).toEqual({
      log: "the attempt changed nothing: no file differs from where the task's branch started (1 of 1 tool call failed)",
    });
    expect(unchangedVerdict(out(2, 'c1'), 'c1', counts, true)).toEqual({
      log: "the attempt answered the review without changing files: the task's branch is still at c1, and its answer goes back to the reviewer (1 of 1 tool call failed)",
    });
  });
});
