/// <reference lib="dom" />
// The coding agents' UI figure, for ui-bench.ts: how long after a coding CLI prints a line the
// task's step trace shows it. A real coding run on `baton serve`: a shell script as the CLI (qwen's
// event format, as test/coding-agents/streams/qwen-edit.jsonl holds it) prints one assistant
// message every 300 ms, noting the time of each (epoch ns); the page, open on the task's step
// trace, notes when each message's text appears (a MutationObserver, epoch ms). The same clock.
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { makeBenchRepository } from './bench-repo.ts';

const LINES = 20;
const SESSION = 'b9b9809b-81a3-4e7a-8844-827c519f12a4';

const assistant = (i: number) =>
  JSON.stringify({
    type: 'assistant',
    uuid: `ui-${i}`,
    session_id: SESSION,
    parent_tool_use_id: null,
    message: {
      id: `ui-${i}`,
      type: 'message',
      role: 'assistant',
      model: 'scripted-qwen',
      content: [{ type: 'text', text: `bench-line-${i}` }],
      stop_reason: null,
      usage: { input_tokens: 0, output_tokens: 0 },
    },
  });

/** Median and max of (shown − printed) over the lines, in ms. */
export async function stepTraceLatency(
  page: Page,
  rpc: (method: string, input: unknown) => Promise<unknown>,
): Promise<{ p50: number; max: number; lines: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'baton-ui-steps-'));
  try {
    const repo = join(dir, 'repo');
    makeBenchRepository(repo, 10);
    const stream = join(dir, 'stream.jsonl');
    const recorded = readFileSync(
      join(import.meta.dirname, '..', 'coding-agents', 'streams', 'qwen-edit.jsonl'),
      'utf8',
    ).split('\n');
    writeFileSync(stream, `${Array.from({ length: LINES }, (_, i) => assistant(i)).join('\n')}\n`);
    const head = join(dir, 'head.jsonl');
    const tail = join(dir, 'tail.jsonl');
    writeFileSync(head, `${recorded[0]}\n`);
    writeFileSync(tail, `${recorded.filter(Boolean).at(-1)}\n`);
    const go = join(dir, 'go');
    const end = join(dir, 'end');
    // The CLI runs in the OS sandbox: the one folder outside the worktree it writes is the clock's.
    const clock = join(dir, 'clock');
    mkdirSync(clock);
    const times = join(clock, 'times');
    const cli = join(dir, 'cli.sh');
    // Waits for the page to be open on the trace (the go file), then one line every 300 ms.
    writeFileSync(
      cli,
      [
        '#!/bin/sh',
        'cat "$BENCH_HEAD"',
        'while [ ! -f "$BENCH_GO" ]; do sleep 0.05; done',
        'while IFS= read -r line; do',
        '  sleep 0.3',
        '  date +%s%N >> "$BENCH_TIMES"',
        '  printf \'%s\\n\' "$line"',
        'done < "$BENCH_STREAM"',
        // Its result only once the page has shown the last line: the task's panel turns to the
        // task's changes when it ends, and would hide a line that had not been drawn yet. (The go
        // file gone: the bench failed and removed its folder.)
        'while [ ! -f "$BENCH_END" ] && [ -f "$BENCH_GO" ]; do sleep 0.05; done',
        'cat "$BENCH_TAIL"',
        '',
      ].join('\n'),
    );
    chmodSync(cli, 0o755);
    await rpc('workspaces.add', { id: 'ui-steps', path: repo });
    await rpc('agents.import', {
      agents: [
        {
          id: 'ui-coder',
          kind: 'coding',
          cli: 'qwen',
          skills: ['ui-steps'],
          executable: cli,
          env: {
            BENCH_GO: go,
            BENCH_END: end,
            BENCH_TIMES: times,
            BENCH_STREAM: stream,
            BENCH_HEAD: head,
            BENCH_TAIL: tail,
          },
          sandbox: { write_allow: [clock] },
        },
      ],
    });
    await rpc('plans.import', {
      plan: {
        plan_id: 'ui-steps',
        workspace: 'ui-steps',
        tasks: [{ task_id: 'trace', description: 'Print lines', required_skills: ['ui-steps'] }],
      },
    });
    await page.reload();
    await page
      .getByRole('list', { name: 'Plans' })
      .getByRole('link', { name: /^ui-steps/ })
      .click();
    await page.getByRole('button', { name: 'Run plan' }).click();
    await page
      .getByRole('region', { name: 'Plan graph' })
      .getByRole('article', { name: /^Task trace/ })
      .click();
    const trace = page.getByRole('region', { name: 'Steps of trace' });
    await trace.waitFor({ timeout: 60_000 });
    await trace
      .getByText(/You are ui-coder/)
      .first()
      .waitFor({ timeout: 60_000 });
    await page.evaluate(() => {
      const w = window as unknown as { shown_: Record<string, number> };
      w.shown_ = {};
      const look = () => {
        for (const el of document.querySelectorAll('li')) {
          const m = /bench-line-(\d+)/.exec(el.textContent ?? '');
          if (m && w.shown_[m[1]!] === undefined)
            w.shown_[m[1]!] = performance.timeOrigin + performance.now();
        }
      };
      new MutationObserver(look).observe(document.body, {
        childList: true,
        subtree: true,
        characterData: true,
      });
    });
    writeFileSync(go, '');
    await trace.getByText(`bench-line-${LINES - 1}`).waitFor({ timeout: 60_000 });
    writeFileSync(end, '');
    const shown = await page.evaluate(() => (window as unknown as { shown_: Record<string, number> }).shown_);
    const printed = readFileSync(times, 'utf8')
      .trim()
      .split('\n')
      .map((ns) => Number(ns) / 1e6);
    const delays = printed
      .flatMap((at, i) => (shown[i] === undefined ? [] : [shown[i]! - at]))
      .sort((a, b) => a - b);
    return { p50: delays[Math.floor(delays.length / 2)]!, max: delays.at(-1)!, lines: delays.length };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
