import { describe, expect, it } from 'vitest';
import { AcpTrace, contentText, toolName } from './trace.ts';

const trace = () => {
  let t = 1_000;
  return new AcpTrace({ startSeq: 1, now: () => (t += 10) });
};

describe('ACP session updates as steps', () => {
  it('joins message chunks into one step until something else comes, thoughts apart', () => {
    const tr = trace();
    const chunk = (text: string, thought = false) =>
      tr.update({
        sessionUpdate: thought ? 'agent_thought_chunk' : 'agent_message_chunk',
        content: { type: 'text', text },
      });
    expect(chunk('Let me ', true)).toEqual([]);
    expect(chunk('look.', true)).toEqual([]);
    const flushed = chunk('I will ');
    expect(flushed).toMatchObject([
      { kind: 'message', seq: 1, role: 'assistant', text: '(thinking) Let me look.' },
    ]);
    expect(chunk('write it.')).toEqual([]);
    expect(tr.endTurn()).toMatchObject([{ kind: 'message', seq: 2, text: 'I will write it.' }]);
    expect(tr.lastText).toBe('I will write it.');
  });

  it('records the plan as one step, again under the same seq as it changes', () => {
    const tr = trace();
    const plan = (status: 'pending' | 'completed') =>
      tr.update({
        sessionUpdate: 'plan',
        entries: [
          { content: 'Write notes.txt', priority: 'high', status },
          { content: 'Commit', priority: 'low', status: 'pending' },
        ],
      });
    expect(plan('pending')).toMatchObject([
      { kind: 'message', seq: 1, role: 'system', text: 'Plan:\n[ ] Write notes.txt\n[ ] Commit' },
    ]);
    const [first] = plan('pending');
    expect(plan('completed')).toMatchObject([
      { seq: 1, at: first!.at, text: 'Plan:\n[x] Write notes.txt\n[ ] Commit' },
    ]);
  });

  it('keeps a tool call one step: its name, input, status, output and diff as updates come', () => {
    const tr = trace();
    const [started] = tr.update({
      sessionUpdate: 'tool_call',
      toolCallId: 'toolu_1',
      title: 'Write notes.txt',
      kind: 'edit',
      status: 'pending',
      rawInput: { file_path: 'notes.txt', content: 'hi\n' },
      _meta: { claudeCode: { toolName: 'Write' } },
    });
    expect(started).toMatchObject({
      kind: 'tool_call',
      seq: 1,
      call_id: 'toolu_1',
      name: 'Write',
      status: 'running',
      input: { file_path: 'notes.txt', content: 'hi\n' },
    });
    expect(tr.nameOf('toolu_1')).toBe('Write');
    const [done] = tr.update({
      sessionUpdate: 'tool_call_update',
      toolCallId: 'toolu_1',
      status: 'completed',
      content: [{ type: 'diff', path: '/w/notes.txt', oldText: null, newText: 'hi\n' }],
    });
    expect(done).toMatchObject({
      seq: 1,
      name: 'Write',
      status: 'done',
      output: 'new file /w/notes.txt:\nhi\n',
    });
    expect((done as { ended_at: string | null }).ended_at).not.toBeNull();
  });

  it('a call Baton denied stays denied when the agent reports it failed; calls left running fail at the end', () => {
    const tr = trace();
    tr.tool({ toolCallId: 'a', title: 'Write x', kind: 'edit' }, 'denied', 'Denied by Ana.');
    const [after] = tr.update({ sessionUpdate: 'tool_call_update', toolCallId: 'a', status: 'failed' });
    expect(after).toMatchObject({ status: 'denied', error: 'Denied by Ana.' });
    tr.update({ sessionUpdate: 'tool_call', toolCallId: 'b', title: 'Run ls', kind: 'execute' });
    expect(tr.unfinished('the session ended')).toMatchObject([
      { call_id: 'b', name: 'execute', status: 'failed', error: 'the session ended' },
    ]);
  });

  it('ignores updates that are no step (commands, modes, usage)', () => {
    const tr = trace();
    expect(tr.update({ sessionUpdate: 'available_commands_update', availableCommands: [] })).toEqual([]);
    expect(tr.update({ sessionUpdate: 'usage_update', used: 10, size: 100 })).toEqual([]);
  });

  it('names a tool by its own name, else the agent’s meta, else its kind; content as text', () => {
    expect(toolName({ name: 'read_file', kind: 'read' })).toBe('read_file');
    expect(toolName({ kind: 'execute', _meta: { claudeCode: { toolName: 'Bash' } } })).toBe('Bash');
    expect(toolName({ kind: 'search' })).toBe('search');
    expect(toolName({})).toBe('other');
    expect(
      contentText([
        { type: 'content', content: { type: 'text', text: 'ok' } },
        { type: 'diff', path: 'a.txt', oldText: 'x', newText: 'y' },
        { type: 'terminal', terminalId: 't1' },
      ]),
    ).toBe('ok\nedit a.txt:\ny\n[terminal t1]');
    expect(contentText([])).toBeNull();
  });
});

describe('a permission asked before the call is reported', () => {
  it('gets the tool name from the agent’s report when it comes, or null when it does not', async () => {
    const trace = new AcpTrace({ startSeq: 1, now: () => 0 });
    const soon = trace.nameSoon('t1', 5_000);
    // Baton's own status change is not the agent's report: the wait goes on.
    trace.tool({ toolCallId: 't1', kind: 'edit' }, 'awaiting_approval');
    trace.update({
      sessionUpdate: 'tool_call',
      toolCallId: 't1',
      title: 'Write notes.txt',
      kind: 'edit',
      _meta: { claudeCode: { toolName: 'Write' } },
    });
    expect(await soon).toBe('Write');
    expect(await trace.nameSoon('never', 1)).toBeNull();
  });
});
