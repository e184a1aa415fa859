import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BatonApp } from '../../../src-main/app/create-app.ts';
import { createApp } from '../../../src-main/app/create-app.ts';
import type { Dispatch } from '../../../src-main/app/dispatch.ts';
import { createMemoryTransport } from '../../../src-main/app/memory-transport.ts';
import type { Agent } from '../../../src-shared/schemas/agent.ts';
import { installLocalStorage } from './local-storage.fixture.ts';

/**
 * The agents list answered by the host before an import, but read by this window after the
 * import's own answer added its agents (two requests, answered out of order): the list is asked
 * again, never set over them.
 */

// Before the store is imported: its slices read localStorage as they are created.
installLocalStorage();

const { connect } = await import('../api/client.ts');
const { useBaton } = await import('./index.ts');

let app: BatonApp;
let release: () => void = () => {};
const held = new Promise<void>((resolve) => {
  release = resolve;
});
let answered: () => void = () => {};
const firstListAnswered = new Promise<void>((resolve) => {
  answered = resolve;
});
let lists = 0;

describe('a stale agents list', () => {
  beforeAll(() => {
    app = createApp({ dataDir: ':memory:', log: () => {} });
    const dispatch: Dispatch = async (method, input) => {
      const answer = await app.dispatch(method, input);
      // The first list is made at once (empty) and held on its way back.
      if (method === 'agents.list' && ++lists === 1) {
        answered();
        await held;
      }
      return answer;
    };
    connect(createMemoryTransport(dispatch, app.bus), () => {});
  });
  afterAll(() => app.close());

  it('is asked for again when an agent reached the window while it was on its way', async () => {
    const loading = useBaton.getState().loadAgents();
    await firstListAnswered;
    const imported = await app.dispatch('agents.import', { agents: [{ id: 'ash', skills: ['x'] }] });
    if (!imported.ok) throw new Error(imported.error.message);
    for (const a of imported.value as Agent[]) useBaton.getState().upsertAgent(a);
    release();
    await loading;
    expect(useBaton.getState().agents.map((a) => a.id)).toEqual(['ash']);
    expect(lists).toBe(2);
  });
});
