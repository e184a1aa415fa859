// Not a test: the session the ACP benches replay (bench.ts here, test/bench/acp-worker.ts).

/**
 * `total` JSON-RPC lines as an ACP agent sends them in a session: agent thought and message
 * chunks, a tool call, its update with a diff, a plan, again and again with unique ids.
 */
export function acpSession(total: number): string[] {
  const lines: string[] = [];
  const note = (update: unknown) =>
    lines.push(
      JSON.stringify({ jsonrpc: '2.0', method: 'session/update', params: { sessionId: 's-1', update } }),
    );
  for (let i = 0; lines.length < total; i++) {
    note({
      sessionUpdate: 'agent_thought_chunk',
      content: { type: 'text', text: 'I should look at the file first. ' },
    });
    for (const word of ['I will ', 'write ', `notes-${i}.txt `, 'now.'])
      note({ sessionUpdate: 'agent_message_chunk', content: { type: 'text', text: word } });
    note({
      sessionUpdate: 'tool_call',
      toolCallId: `toolu_${i}`,
      title: `Write notes-${i}.txt`,
      kind: 'edit',
      status: 'pending',
      rawInput: { file_path: `/tmp/attempt/notes-${i}.txt`, content: 'hello\n'.repeat(20) },
      _meta: { claudeCode: { toolName: 'Write' } },
    });
    note({
      sessionUpdate: 'tool_call_update',
      toolCallId: `toolu_${i}`,
      status: 'completed',
      content: [
        { type: 'diff', path: `/tmp/attempt/notes-${i}.txt`, oldText: null, newText: 'hello\n'.repeat(20) },
      ],
    });
    note({
      sessionUpdate: 'plan',
      entries: [
        { content: 'Write the notes', priority: 'high', status: 'in_progress' },
        { content: 'Check them', priority: 'low', status: 'pending' },
      ],
    });
  }
  return lines.slice(0, total);
}
