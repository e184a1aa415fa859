import { describe, expect, it } from 'vitest';
import { stepSchema } from '../../../../src-shared/schemas/step.ts';
import { allCaptures, captureLines, replay } from './captures.ts';

/** The session id a capture holds, found the plain way. */
function sessionIdIn(lines: string[]): string | null {
  for (const line of lines) {
    // codex's app-server names it as its thread's id.
    const m = /"(?:session_id|thread_id|sessionID)":"([^"]+)"|"thread":\{"id":"([^"]+)"/.exec(line);
    if (m) return (m[1] ?? m[2])!;
  }
  return null;
}

describe('every captured stream', () => {
  const captures = allCaptures();

  it('is all there: the four CLIs, each with edit, resume, shell, error and its faults (and codex app-server’s edit)', () => {
    expect(captures.length).toBe(60);
    for (const cli of ['claude', 'codex', 'opencode', 'qwen'])
      for (const kind of ['edit', 'resume', 'shell', 'error'])
        expect(captures.map((c) => c.name)).toContain(`${cli}-${kind}`);
  });

  it.each(captures)(
    '$name parses into valid steps, with its session id and one final result',
    ({ name, cli }) => {
      const lines = captureLines(name);
      const { parser, emitted, steps } = replay(
        cli,
        lines,
        { startSeq: 5 },
        { code: null, signal: 'SIGTERM' },
      );

      for (const step of emitted) expect(stepSchema.safeParse(step).error).toBeUndefined();
      // Each seq once, from startSeq on, in order; a changed step keeps its seq.
      expect(steps.map((s) => s.seq)).toEqual(steps.map((_, i) => i + 5));
      expect(parser.nextSeq).toBe(5 + steps.length);

      expect(parser.noise).toEqual({ not_json: 0, unknown: 0, unreadable: 0, samples: [] });
      expect(parser.sessionId).toBe(sessionIdIn(lines));
      if (parser.sessionId !== null)
        expect(steps[0]).toMatchObject({ kind: 'session', session_id: parser.sessionId });

      expect(steps.filter((s) => s.kind === 'result')).toHaveLength(1);
      expect(steps.at(-1)?.kind).toBe('result');
      expect(parser.result).not.toBeNull();
      // No tool call is left running.
      expect(steps.filter((s) => s.kind === 'tool_call' && s.status === 'running')).toEqual([]);

      // spent is the sum of the usage steps.
      const usage = steps.filter((s) => s.kind === 'usage');
      expect(parser.spent.input_tokens).toBe(usage.reduce((n, u) => n + u.input_tokens, 0));
      expect(parser.spent.output_tokens).toBe(usage.reduce((n, u) => n + u.output_tokens, 0));
    },
  );
});
