import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Step, stepSchema } from '../../../../src-shared/schemas/step.ts';
import { allCaptures, captureLines, fakeClock, parserOf } from '../clis/captures.ts';
import { CODING_CLIS, type CodingCli, type ParserOptions } from './parser.ts';

/** Every non-empty captured line, by CLI. */
const LINES: Record<CodingCli, string[]> = { claude: [], codex: [], opencode: [], qwen: [] };
for (const { name, cli } of allCaptures())
  LINES[cli].push(...captureLines(name).filter((l) => l.trim() !== ''));

const cli = fc.constantFrom(...CODING_CLIS);

/** Feeds lines and an end to a parser; every step it hands out must validate. */
function feed(which: CodingCli, lines: string[], opts: ParserOptions = {}) {
  const parser = parserOf(which, { now: fakeClock(), ...opts });
  const emitted: Step[] = [];
  for (const line of lines) emitted.push(...parser.line(line));
  emitted.push(...parser.end({ code: 1, signal: null }));
  for (const step of emitted) {
    const checked = stepSchema.safeParse(step);
    if (!checked.success)
      throw new Error(`invalid step ${JSON.stringify(step).slice(0, 500)}: ${checked.error}`);
  }
  return { parser, emitted };
}

/** Every path to a value inside a JSON value, the root's children first. */
function paths(value: unknown, prefix: (string | number)[] = [], out: (string | number)[][] = []) {
  if (typeof value !== 'object' || value === null || prefix.length > 8) return out;
  for (const [k, v] of Object.entries(value)) {
    const key = Array.isArray(value) ? Number(k) : k;
    out.push([...prefix, key]);
    paths(v, [...prefix, key], out);
  }
  return out;
}

/** A real event with the value at one of its paths replaced (or removed). */
function mutate(line: string, pick: number, replacement: unknown, remove: boolean): string {
  const event = JSON.parse(line) as Record<string, unknown>;
  const all = paths(event);
  if (all.length === 0) return line;
  const path = all[pick % all.length]!;
  let parent: Record<string | number, unknown> = event;
  for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, unknown>;
  const last = path.at(-1)!;
  if (remove) delete parent[last];
  else parent[last] = replacement;
  return JSON.stringify(event);
}

const realLine = (which: CodingCli) => fc.constantFrom(...LINES[which]);

describe('stream parsers under fuzz', () => {
  it('random lines never throw, and the attempt they make ends in an error result', () => {
    fc.assert(
      fc.property(
        cli,
        fc.array(fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.json())),
        (which, lines) => {
          const { parser } = feed(which, lines);
          expect(parser.result?.is_error).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('real lines cut anywhere never throw', () => {
    fc.assert(
      fc.property(
        cli.chain((which) =>
          fc.tuple(
            fc.constant(which),
            fc.array(fc.tuple(realLine(which), fc.double({ min: 0, max: 1 })), { maxLength: 20 }),
          ),
        ),
        ([which, cuts]) => {
          const lines = cuts.map(([line, at]) => line.slice(0, Math.floor(line.length * at)));
          const { parser } = feed(which, lines);
          expect(parser.noise.unreadable).toBe(0);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('real events with any field changed to any JSON value, or removed, give valid steps', () => {
    fc.assert(
      fc.property(
        cli.chain((which) =>
          fc.tuple(
            fc.constant(which),
            fc.array(fc.tuple(realLine(which), fc.nat(), fc.jsonValue(), fc.boolean()), {
              minLength: 1,
              maxLength: 20,
            }),
          ),
        ),
        ([which, changes]) => {
          const lines = changes.map(([line, pick, value, remove]) => mutate(line, pick, value, remove));
          const { parser } = feed(which, lines);
          expect(parser.noise.unreadable).toBe(0);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('real lines in any order, any number of times, with any prior: steps in seq order, spent the sum of usage', () => {
    const spent = fc.record({
      usd: fc.option(fc.double({ min: 0, max: 100, noNaN: true })),
      input_tokens: fc.nat(),
      output_tokens: fc.nat(),
      cached_input_tokens: fc.nat(),
    });
    fc.assert(
      fc.property(
        cli.chain((which) =>
          fc.tuple(
            fc.constant(which),
            fc.array(realLine(which), { maxLength: 40 }),
            spent,
            fc.nat({ max: 1000 }),
          ),
        ),
        ([which, lines, prior, startSeq]) => {
          const { parser, emitted } = feed(which, lines, { prior, startSeq, model: 'gpt-5' });
          const bySeq = new Map(emitted.map((s) => [s.seq, s]));
          expect([...bySeq.keys()].sort((a, b) => a - b)).toEqual(
            Array.from({ length: bySeq.size }, (_, i) => startSeq + i),
          );
          const usage = [...bySeq.values()].filter((s) => s.kind === 'usage');
          expect(parser.spent.input_tokens).toBe(usage.reduce((n, u) => n + u.input_tokens, 0));
          expect(parser.spent.output_tokens).toBe(usage.reduce((n, u) => n + u.output_tokens, 0));
          const usd = usage.reduce((n, u) => n + (u.cost_usd ?? 0), 0);
          if (usage.some((u) => u.cost_usd !== null)) expect(parser.spent.usd).toBeCloseTo(usd, 6);
          else expect(parser.spent.usd).toBeNull();
          expect(parser.noise.unreadable).toBe(0);
        },
      ),
      { numRuns: 300 },
    );
  });
});
