import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BatonApp } from '../../../src-main/app/create-app.ts';
import { createApp } from '../../../src-main/app/create-app.ts';
import type { Dispatch } from '../../../src-main/app/dispatch.ts';
import { createMemoryTransport } from '../../../src-main/app/memory-transport.ts';
import type { Agent } from '../../../src-shared/schemas/agent.ts';
import { installLocalStorage } from './local-storage.fixture.ts';

/**
 * The first screen asks for the agents while the first open's example may be loaded at once. The
 * sandbox's status and the default route's facts can take seconds (a real sandbox tried, npm
 * asked): the first screen does not ask for them; once a screen showing them asked, they are asked
 * beside every list, and the list must not wait for them and then undo what came meanwhile.
 */

// Before the store is imported: its slices read localStorage as they are created.
installLocalStorage();

const { connect } = await import('../api/client.ts');
const { useBaton } = await import('./index.ts');

let app: BatonApp;
let release: () => void = () => {};
const slow = new Promise<void>((resolve) => {
  release = resolve;
});
const asked: string[] = [];
let listed: () => void = () => {};

describe('loading the agents', () => {
  beforeAll(() => {
    app = createApp({ dataDir: ':memory:', log: () => {} });
    const dispatch: Dispatch = async (method, input) => {
      asked.push(method);
      if (method === 'agents.sandbox' || method === 'agents.routeFacts') await slow;
      const answer = await app.dispatch(method, input);
      if (method === 'agents.list') listed();
      return answer;
    };
    connect(createMemoryTransport(dispatch, app.bus), () => {});
  });
  afterAll(() => app.close());

  it('does not ask for the sandbox or the route with the first screen', async () => {
    await useBaton.getState().loadAgents();
    expect(useBaton.getState().agentsLoaded).toBe(true);
    expect(asked).toContain('agents.list');
    expect(asked).not.toContain('agents.sandbox');
    expect(asked).not.toContain('agents.routeFacts');
    expect(useBaton.getState().sandboxStatus).toBeNull();
  });

  it('once a screen wants them, shows the list as soon as it comes, keeping agents added while the sandbox was asked', async () => {
    useBaton.getState().wantAgentFacts();
    expect(asked).toContain('agents.sandbox');
    listed = () => {};
    const again = new Promise<void>((resolve) => {
      listed = resolve;
    });
    useBaton.setState({ agentsLoaded: false });
    const loading = useBaton.getState().loadAgents();
    await again;
    await expect.poll(() => useBaton.getState().agentsLoaded).toBe(true);
    expect(useBaton.getState().agents).toEqual([]);
    // The example is loaded meanwhile: its agents are added to the store as it answers.
    const imported = await app.dispatch('agents.import', { agents: [{ id: 'ash', skills: ['x'] }] });
    if (!imported.ok) throw new Error(imported.error.message);
    for (const a of imported.value as Agent[]) useBaton.getState().upsertAgent(a);
    release();
    await loading;
    expect(useBaton.getState().agents.map((a) => a.id)).toEqual(['ash']);
    expect(useBaton.getState().sandboxStatus).not.toBeNull();
  });
});
