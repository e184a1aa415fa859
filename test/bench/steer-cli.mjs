// A stand-in for Claude Code at its stdin (`claude -p --input-format stream-json --output-format
// stream-json`), for steer-worker.ts: it says its session, then notes when each line arrives on its
// stdin (the clock `process.hrtime` reads, the same for every process on the machine) and what it
// said, one `<ns> <text as JSON>` line each in $BENCH_STDIN_LOG. No model is called. A message
// `end` ends its turn: it prints its result and exits.
import { appendFileSync } from 'node:fs';

const log = process.env.BENCH_STDIN_LOG;
if (!log) throw new Error('BENCH_STDIN_LOG: where to note the stdin lines');
const session = 'steer-bench';
const print = (event) => process.stdout.write(`${JSON.stringify(event)}\n`);

print({ type: 'system', subtype: 'init', session_id: session, model: 'bench', tools: [], mcp_servers: [] });

/** The text of one `{"type":"user","message":{…}}` line, as Baton writes a prompt or a person's words. */
function textOf(line) {
  const content = JSON.parse(line).message?.content;
  if (typeof content === 'string') return content;
  return (content ?? []).map((c) => c.text ?? '').join('');
}

let pending = '';
process.stdin.on('data', (chunk) => {
  const at = process.hrtime.bigint();
  pending += chunk;
  const lines = pending.split('\n');
  pending = lines.pop() ?? '';
  for (const line of lines) {
    if (!line.trim()) continue;
    const text = textOf(line);
    appendFileSync(log, `${at} ${JSON.stringify(text)}\n`);
    if (text === 'end') {
      print({
        type: 'assistant',
        session_id: session,
        message: { role: 'assistant', content: [{ type: 'text', text: 'Done.' }] },
      });
      print({
        type: 'result',
        subtype: 'success',
        is_error: false,
        result: 'Done.',
        session_id: session,
        total_cost_usd: 0,
        usage: { input_tokens: 0, output_tokens: 0 },
      });
      process.exit(0);
    }
  }
});
