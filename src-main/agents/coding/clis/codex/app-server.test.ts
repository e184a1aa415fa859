import { describe, expect, it } from 'vitest';
import { appServerArgs, CodexDialogue } from './app-server.ts';

// Baton's side of codex's app-server, by the messages it writes (the real codex answers them in
// test/coding-agents/codex-steer.test.ts and codex-turns.test.ts).
const params = { cwd: '/w', sandbox: 'danger-full-access', approvalPolicy: 'never' } as const;
const read = (lines: string[] | string | null) =>
  (typeof lines === 'string' ? lines.split('\n').filter(Boolean) : (lines ?? [])).map((l) => JSON.parse(l));
const msg = (o: unknown) => JSON.stringify(o);

describe('codex app-server dialogue', () => {
  it('opens with the handshake and the thread, then the prompt as the first turn once the thread is there', () => {
    const d = new CodexDialogue('Do it.', { resume: null, params });
    expect(read(d.start())).toEqual([
      expect.objectContaining({ id: 'baton-init', method: 'initialize' }),
      { jsonrpc: '2.0', method: 'initialized' },
      { jsonrpc: '2.0', id: 'baton-thread', method: 'thread/start', params },
    ]);
    // Nothing to stop or steer before the thread: words said now go with the prompt.
    expect(d.interrupt()).toBeNull();
    expect(d.steer('Also this.')).toEqual([]);
    const first = read(d.heard(msg({ id: 'baton-thread', result: { thread: { id: 't' } } })));
    expect(first).toEqual([
      {
        jsonrpc: '2.0',
        id: 'baton-turn-1',
        method: 'turn/start',
        params: {
          threadId: 't',
          input: [
            { type: 'text', text: 'Do it.', text_elements: [] },
            { type: 'text', text: 'Also this.', text_elements: [] },
          ],
        },
      },
    ]);
  });

  it('resumes the stored thread', () => {
    const d = new CodexDialogue('Go on.', { resume: 'old', params: { ...params, model: 'm' } });
    expect(read(d.start())[2]).toMatchObject({
      method: 'thread/resume',
      params: { threadId: 'old', model: 'm', cwd: '/w', approvalPolicy: 'never' },
    });
  });

  it('steers the running turn by its id; words said before codex named it wait for it; stops it; starts the next', () => {
    const d = new CodexDialogue('Do it.', { resume: null, params });
    d.start();
    d.heard(msg({ id: 'baton-thread', result: { thread: { id: 't' } } }));
    // The turn was asked for, its id not known yet: the words wait, nothing to stop.
    expect(d.steer('Early words.')).toEqual([]);
    expect(d.interrupt()).toBeNull();
    expect(read(d.heard(msg({ id: 'baton-turn-1', result: { turn: { id: 'u1' } } })))).toEqual([
      expect.objectContaining({
        method: 'turn/steer',
        params: {
          threadId: 't',
          expectedTurnId: 'u1',
          input: [{ type: 'text', text: 'Early words.', text_elements: [] }],
        },
      }),
    ]);
    // turn/started names the same turn: nothing sent twice.
    expect(d.heard(msg({ method: 'turn/started', params: { turn: { id: 'u1' } } }))).toEqual([]);
    expect(read(d.steer('Now.'))).toEqual([
      expect.objectContaining({
        method: 'turn/steer',
        params: expect.objectContaining({ expectedTurnId: 'u1' }),
      }),
    ]);
    expect(read(d.interrupt())).toEqual([
      expect.objectContaining({ method: 'turn/interrupt', params: { threadId: 't', turnId: 'u1' } }),
    ]);
    d.heard(msg({ method: 'turn/completed', params: { turn: { id: 'u1', status: 'interrupted' } } }));
    // Between turns: no steer, no stop; the next turn is another turn/start on the thread.
    expect(d.steer('Late.')).toBeNull();
    expect(d.interrupt()).toBeNull();
    expect(read(d.turn('Next.'))).toEqual([
      expect.objectContaining({
        method: 'turn/start',
        params: { threadId: 't', input: [{ type: 'text', text: 'Next.', text_elements: [] }] },
      }),
    ]);
  });

  it('answers every request of codex’s at once: approvals declined, anything else an error', () => {
    const d = new CodexDialogue('Do it.', { resume: null, params });
    const ask = (method: string) => read(d.heard(msg({ id: 7, method, params: {} })))[0];
    expect(ask('item/commandExecution/requestApproval')).toEqual({
      jsonrpc: '2.0',
      id: 7,
      result: { decision: 'decline' },
    });
    expect(ask('item/fileChange/requestApproval')).toEqual({
      jsonrpc: '2.0',
      id: 7,
      result: { decision: 'decline' },
    });
    expect(ask('execCommandApproval').result.decision).toHaveProperty('denied');
    expect(ask('mcpServer/elicitation/request').result).toMatchObject({ action: 'decline' });
    expect(ask('account/chatgptAuthTokens/refresh')).toMatchObject({ id: 7, error: { code: -32601 } });
    // A line that is not JSON asks nothing.
    expect(d.heard('not json')).toEqual([]);
  });

  it('takes the app-server for args it knows, exec for exec’s own', () => {
    expect(appServerArgs([])).toBe(true);
    expect(
      appServerArgs(['-c', 'model_reasoning_effort="high"', '--enable', 'x', '--disable=y', '-cfoo=1']),
    ).toBe(true);
    expect(appServerArgs(['--full-auto'])).toBe(false);
    expect(appServerArgs(['-c'])).toBe(false);
    expect(appServerArgs(['--profile', 'p'])).toBe(false);
  });
});
