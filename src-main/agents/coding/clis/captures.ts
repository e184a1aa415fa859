// Tests and the bench only: the real streams captured in test/coding-agents/streams/, replayed
// through a CLI's parser. (The parsers themselves do no I/O.)
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isStreamCli } from '../../../../src-shared/schemas/agent.ts';
import type { Step } from '../../../../src-shared/schemas/step.ts';
import {
  type CodingCli,
  createParser,
  type ExitStatus,
  type ParserOptions,
  type StreamParser,
} from '../streams/parser.ts';
import { CODING_CLI_DEFINITIONS } from './index.ts';

export const CAPTURES_DIR = join(import.meta.dirname, '../../../../test/coding-agents/streams');

/** `claude-edit` → the file's lines; `faults/qwen-hang` works too. */
export function captureLines(name: string): string[] {
  return readFileSync(join(CAPTURES_DIR, `${name}.jsonl`), 'utf8').split('\n');
}

/** Every capture, as `claude-edit`, `faults/codex-crash`, with the CLI it is from. */
export function allCaptures(): { name: string; cli: CodingCli }[] {
  const list = (dir: string, prefix: string) =>
    readdirSync(join(CAPTURES_DIR, dir))
      .filter((f) => f.endsWith('.jsonl'))
      .map((f) => ({ name: `${prefix}${f.slice(0, -'.jsonl'.length)}`, cli: cliOf(f) }));
  return [...list('.', ''), ...list('faults', 'faults/')];
}

function cliOf(file: string): CodingCli {
  const cli = file.split('-')[0] ?? '';
  if (isStreamCli(cli)) return cli;
  throw new Error(`${file}: not named after a CLI`);
}

/** A CLI's stream parser, as the stream route makes it from the CLI's definition. */
export function parserOf(cli: CodingCli, opts: ParserOptions = {}): StreamParser {
  return createParser(cli, CODING_CLI_DEFINITIONS[cli].stream.parser, opts);
}

export interface Replay {
  parser: StreamParser;
  /** Everything line() and end() returned, in order (a changed step appears again). */
  emitted: Step[];
  /** The latest version of each step, by seq: what the store holds at the end. */
  steps: Step[];
}

/** A fake clock for deterministic times: starts at 2026-11-22T12:00:00Z, 10 ms a reading. */
export function fakeClock(): () => number {
  let t = Date.UTC(2026, 10, 22, 12, 0, 0);
  return () => (t += 10);
}

export function replay(
  cli: CodingCli,
  lines: string[],
  opts: ParserOptions = {},
  exit: ExitStatus = { code: 0, signal: null },
): Replay {
  const parser = parserOf(cli, { now: fakeClock(), ...opts });
  const emitted: Step[] = [];
  for (const line of lines) emitted.push(...parser.line(line));
  emitted.push(...parser.end(exit));
  return { parser, emitted, steps: latest(emitted) };
}

export function latest(emitted: Step[]): Step[] {
  const bySeq = new Map<number, Step>();
  for (const step of emitted) bySeq.set(step.seq, step);
  return [...bySeq.values()].sort((a, b) => a.seq - b.seq);
}
