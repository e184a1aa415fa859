// Runs one CLI against one scripted scenario and prints how it behaved: exit code, time, every
// model request (when, which turn, what was answered), the stream's event types and stderr.
// How README.md's tables were measured; rerun it when a CLI's version changes.
//
//   node test/coding-agents/probe.ts <claude|codex|opencode|qwen> <scenario> [--timeout S] [--save DIR]
//
// Scenarios: edit, resume (edit, then resume the session), shell (a command that succeeds, then
// one that fails, with the CLI's shell tool), startup (5 runs of a one-turn text
// answer: median time to the first model request and to exit), status-400, status-429,
// status-500, crash, garbage, hang, hang-mid, endless. --fast sets each CLI's own request
// timeout, stream idle timeout and retries low (see FAST), to show those knobs work. --save writes the stdout of each run to
// DIR/<cli>-<scenario>.jsonl with the temp folder's path replaced by /tmp/attempt.
import { readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Fault, ModelServer, Turn } from '../kit/model-servers/scripted-server.ts';
import type { CliDefinition, CliName } from './clis.ts';
import { CLIS } from './clis.ts';
import { startModelServer } from './model-server-for.ts';
import { startPhoneHomeTrap } from './phone-home-trap.ts';
import type { CliRun } from './run-cli.ts';
import { makeAttemptDirs, runCli } from './run-cli.ts';

const FAULTS: Record<string, Fault> = {
  'status-400': { kind: 'status', status: 400, message: 'scripted bad request' },
  'status-429': { kind: 'status', status: 429, message: 'scripted rate limit' },
  'status-500': { kind: 'status', status: 500, message: 'scripted server error' },
  crash: { kind: 'crash' },
  garbage: { kind: 'garbage' },
  hang: { kind: 'hang' },
  'hang-mid': { kind: 'hang', midStream: true },
  endless: { kind: 'endless', everyMs: 200 },
};

/** Each CLI's knobs for failing fast: 10 s request and stream-idle timeouts, at most one retry. */
const FAST: Record<
  CliName,
  { env?: Record<string, string>; args?: string[]; patch?: (home: string) => void }
> = {
  claude: {
    env: {
      CLAUDE_CODE_MAX_RETRIES: '1',
      API_TIMEOUT_MS: '10000',
      CLAUDE_BYTE_STREAM_IDLE_TIMEOUT_MS: '10000',
    },
  },
  codex: {
    args: ['request_max_retries=1', 'stream_max_retries=1', 'stream_idle_timeout_ms=10000'].flatMap((kv) => [
      '-c',
      `model_providers.scripted.${kv}`,
    ]),
  },
  opencode: {
    env: { OPENCODE_PROBE_FAST: '1' }, // read by the invocation wrapper below
  },
  qwen: {
    env: { QWEN_CODE_API_TIMEOUT_MS: '10000', QWEN_STREAM_IDLE_TIMEOUT_MS: '10000' },
    patch: (home) => {
      const file = join(home, '.qwen', 'settings.json');
      const settings = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
      settings.model = { generationConfig: { maxRetries: 1 } };
      writeFileSync(file, JSON.stringify(settings, null, 2));
    },
  },
};

const [name, scenario = 'edit', ...rest] = process.argv.slice(2);
const flag = (f: string) => {
  const i = rest.indexOf(f);
  return i === -1 ? undefined : rest[i + 1];
};
const cli: CliDefinition | undefined = CLIS[name as CliName];
if (!cli || !(scenario in FAULTS || ['edit', 'resume', 'shell', 'startup'].includes(scenario))) {
  console.error(
    `usage: probe.ts <claude|codex|opencode|qwen> <edit|resume|shell|startup|${Object.keys(FAULTS).join('|')}>`,
  );
  process.exit(2);
}
const timeoutMs = Number(flag('--timeout') ?? 300) * 1000;
const saveDir = flag('--save');
const fast = rest.includes('--fast') ? FAST[name as CliName] : undefined;

const dirs = makeAttemptDirs(`probe-${cli.name}`);
const trap = await startPhoneHomeTrap();
const fault = FAULTS[scenario];
const turns: Turn[] = fault
  ? [{ fault }]
  : scenario === 'startup'
    ? [{ text: 'Hello.' }]
    : scenario === 'shell'
      ? [cli.shellTurn("printf 'hi\\n'"), cli.shellTurn('echo oops >&2; exit 3'), { text: 'Ran both.' }]
      : [
          {
            ...cli.writeTurn(dirs, 'hello.txt', `hello from ${cli.name}\n`),
            usage: { input: 1000, output: 50, cached: 200 },
          },
          { text: 'Wrote hello.txt.', usage: { input: 1200, output: 20 } },
          { text: 'Still here after the resume.', usage: { input: 1300, output: 10 } },
        ];
const server: ModelServer = await startModelServer(cli.wire, { conversations: [{ name: 'task', turns }] });
cli.prepare(dirs, server.url);
fast?.patch?.(dirs.home);
const driven: CliDefinition = fast?.env?.OPENCODE_PROBE_FAST
  ? {
      ...cli,
      invocation(d, url, prompt, resume) {
        const inv = cli!.invocation(d, url, prompt, resume);
        const config = JSON.parse(inv.env.OPENCODE_CONFIG_CONTENT ?? '{}');
        Object.assign(config.provider.scripted.options, { timeout: 10_000, chunkTimeout: 10_000, retry: 1 });
        return { ...inv, env: { ...inv.env, OPENCODE_CONFIG_CONTENT: JSON.stringify(config) } };
      },
    }
  : cli;

try {
  if (scenario === 'startup') await startup();
  else await scripted();
} finally {
  await server.close();
  await trap.close();
  dirs.remove();
}

async function startup() {
  const firstRequest: number[] = [];
  const total: number[] = [];
  for (let i = 0; i < 5; i++) {
    const run = await probe('Say hello.');
    if (run.code !== 0) throw new Error(`run ${i} exited ${run.code}: ${run.stderr}`);
    firstRequest.push((run.requests.find((r) => r.conversation)?.at ?? Number.NaN) - run.startedAt);
    total.push(run.ms);
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  console.log(
    `${cli!.name} startup: first model request after ${median(firstRequest)} ms, exit after ${median(total)} ms`,
  );
  console.log(`  (runs: first request ${firstRequest.join(', ')} ms; exit ${total.join(', ')} ms)`);
}

async function scripted() {
  const first = await probe('Create hello.txt saying hello.');
  report(scenario === 'resume' ? 'edit' : scenario, first);
  if (scenario === 'resume') report('resume', await probe('Now say whether you remember.', first.sessionId));
}

async function probe(prompt: string, resume?: string) {
  const from = server.requests.length;
  const run = await runCli(driven, dirs, server.url, prompt, {
    resume,
    timeoutMs,
    extraEnv: { ...trap.env, ...fast?.env },
    extraArgs: fast?.args,
  });
  return Object.assign(run, { startedAt: Date.now() - run.ms, requests: server.requests.slice(from) });
}

function report(label: string, run: CliRun & { startedAt: number; requests: ModelServer['requests'] }) {
  const out = (s: string) => process.stdout.write(`${s}\n`);
  out(`== ${cli!.name} ${label}`);
  out(`exit ${run.code ?? run.signal} after ${run.ms} ms${run.timedOut ? ' (stopped at the timeout)' : ''}`);
  out(`session ${run.sessionId ?? '(none)'}`);
  out(`model requests: ${run.requests.length}`);
  for (const r of run.requests)
    out(
      `  +${r.at - run.startedAt} ms ${r.method} ${r.path} → ${r.answer}${r.turn !== undefined ? ` (turn ${r.turn})` : ''}`,
    );
  out(`events: ${run.events.map((e) => e.type ?? '?').join(' ')}`);
  if (run.otherLines.length) out(`non-JSON stdout: ${JSON.stringify(run.otherLines.slice(0, 5))}`);
  out(`last event: ${JSON.stringify(run.events.at(-1) ?? null).slice(0, 1200)}`);
  out(`stderr (${run.stderr.length} chars): ${run.stderr.slice(-1500)}`);
  if (trap.attempts.length) out(`phone-home attempts: ${trap.attempts.join(', ')}`);
  if (saveDir) {
    const file = join(saveDir, `${cli!.name}-${label}${fast ? '-fast' : ''}.jsonl`);
    const anonymous = (l: string) =>
      l.split(dirs.root).join('/tmp/attempt').split(basename(dirs.root)).join('attempt');
    writeFileSync(file, `${run.lines.map(anonymous).join('\n')}\n`);
    out(`saved ${file}`);
  }
}
