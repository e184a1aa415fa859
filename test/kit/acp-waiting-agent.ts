import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

const sdk = pathToFileURL(createRequire(import.meta.url).resolve('@agentclientprotocol/sdk')).href;

/**
 * An ACP agent (the SDK's agent side) for a person's messages (`runs.say`): its first turn waits
 * for a file `go` in its worktree, so the task stays running while the test talks to it; every
 * prompt it was sent is appended to prompts.log there, and each turn ends saying `turn N done`.
 * Written to a .mjs file and run with node (`executable: process.execPath, args: [file]`).
 */
export const waitingAcpAgentScript = `
import { existsSync, appendFileSync } from 'node:fs';
import { Readable, Writable } from 'node:stream';
import { agent, ndJsonStream } from ${JSON.stringify(sdk)};
let cwd = '';
let turns = 0;
let cancelled = false;
agent()
  .onNotification('session/cancel', () => { cancelled = true; })
  .onRequest('initialize', () => ({ protocolVersion: 1, agentCapabilities: { loadSession: false } }))
  .onRequest('session/new', ({ params }) => { cwd = params.cwd; return { sessionId: 'said-1' }; })
  .onRequest('session/prompt', async ({ params, client }) => {
    turns++;
    const text = params.prompt.map((p) => p.text).join('');
    appendFileSync(cwd + '/prompts.log', '--- turn ' + turns + '\\n' + text + '\\n');
    // The SDK may hand over a cancel that came right behind the first prompt before the prompt
    // itself: nothing came before it, so it is for this turn and is kept. A later turn starts clear
    // (a cancel that came as the turn before ended was for that one).
    if (turns > 1) cancelled = false;
    // the turn's work
    if (turns === 1) while (!existsSync(cwd + '/go') && !cancelled) await new Promise((r) => setTimeout(r, 50));
    if (cancelled) { appendFileSync(cwd + '/prompts.log', '--- turn ' + turns + ' cancelled\\n'); return { stopReason: 'cancelled' }; }
    await client.notify('session/update', { sessionId: params.sessionId, update: { sessionUpdate: 'agent_message_chunk', content: { type: 'text', text: 'turn ' + turns + ' done' } } });
    return { stopReason: 'end_turn' };
  })
  .connect(ndJsonStream(Writable.toWeb(process.stdout), Readable.toWeb(process.stdin)));
`;

/**
 * An agent whose first turn asks permission for a write and waits for the answer, logging it to
 * prompts.log; a `cancelled` answer ends the turn `cancelled`.
 */
export const askingAcpAgentScript = waitingAcpAgentScript.replace(
  "    // the turn's work",
  `    if (turns === 1) {
      const answer = await client.request('session/request_permission', { sessionId: params.sessionId, toolCall: { toolCallId: 'w1', title: 'Write notes.txt', kind: 'edit', status: 'pending', rawInput: { path: 'notes.txt' } }, options: [{ optionId: 'allow', name: 'Allow', kind: 'allow_once' }, { optionId: 'reject', name: 'Reject', kind: 'reject_once' }] });
      appendFileSync(cwd + '/prompts.log', '--- permission ' + answer.outcome.outcome + '\\n');
      if (answer.outcome.outcome === 'cancelled') return { stopReason: 'cancelled' };
    }`,
);

/**
 * An agent whose stopped turn winds down slowly, as a real one's last tool call may: told to
 * cancel, it notes `cancel heard` in prompts.log, waits for a file `wind-down` in its worktree,
 * then writes late.txt there before it answers `cancelled`.
 */
export const windingDownAcpAgentScript = waitingAcpAgentScript.replace(
  "    if (cancelled) { appendFileSync(cwd + '/prompts.log', '--- turn ' + turns + ' cancelled\\n');",
  `    if (cancelled) {
      appendFileSync(cwd + '/prompts.log', '--- turn ' + turns + ' cancel heard\\n');
      while (!existsSync(cwd + '/wind-down')) await new Promise((r) => setTimeout(r, 50));
      appendFileSync(cwd + '/late.txt', 'written as the stopped turn wound down\\n');
      appendFileSync(cwd + '/prompts.log', '--- turn ' + turns + ' cancelled\\n');`,
);

/** The coding agent that runs it (agents.import's shape), skilled in `code`. */
export const waitingAcpAgent = (script: string) => ({
  id: 'fake',
  kind: 'coding' as const,
  cli: 'acp' as const,
  protocol: 'acp' as const,
  executable: process.execPath,
  args: [script],
  skills: ['code'],
});
