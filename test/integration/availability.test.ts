import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { BatonApp } from '../../src-main/app/create-app.ts';
import { createApp } from '../../src-main/app/create-app.ts';
import type { Agent } from '../../src-shared/schemas/agent.ts';
import { call, controlledExecutor, eventually, setup } from '../kit/engine-kit.ts';

let app: BatonApp;
afterEach(() => app?.close());

const agentsById = async () =>
  Object.fromEntries((await call<Agent[]>(app, 'agents.list', {})).map((a) => [a.id, a]));

describe('agent availability', () => {
  it('takes an unreachable endpoint agent OFFLINE and brings it back when it answers', async () => {
    const server = createServer((_req, res) => res.end('ok'));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    app = createApp({ dataDir: ':memory:', log: () => {} });
    await call(app, 'agents.import', {
      agents: [
        { id: 'svc', kind: 'http', skills: ['x'], url: `http://127.0.0.1:${port}/run` },
        { id: 'model', kind: 'llm', skills: ['y'], base_url: `http://127.0.0.1:${port}/v1`, model: 'm' },
        { id: 'away', kind: 'http', skills: ['x'], url: `http://127.0.0.1:${port}/run`, status: 'AWAY' },
      ],
    });
    expect(await call(app, 'agents.probe', {})).toEqual(
      expect.arrayContaining([{ id: 'svc', reachable: true }]),
    );
    expect((await agentsById()).svc!.status).toBe('ONLINE');

    await new Promise<void>((r) => server.close(() => r()));
    const down = await call<{ id: string; reachable: boolean }[]>(app, 'agents.probe', {});
    expect(down.every((p) => !p.reachable)).toBe(true);
    let agents = await agentsById();
    expect(agents.svc).toMatchObject({ status: 'OFFLINE', tags: ['auto-offline'] });
    expect(agents.model!.status).toBe('OFFLINE');
    expect(agents.away!.status).toBe('AWAY'); // a status a person set is left alone

    const again = createServer((_req, res) => res.end('ok'));
    await new Promise<void>((r) => again.listen(port, '127.0.0.1', r));
    try {
      await call(app, 'agents.probe', {});
      agents = await agentsById();
      expect(agents.svc).toMatchObject({ status: 'ONLINE', tags: [] });
      expect(agents.model!.status).toBe('ONLINE');
    } finally {
      await new Promise<void>((r) => again.close(() => r()));
    }
  });

  it('shows an agent at capacity as BUSY', async () => {
    const exec = controlledExecutor(() => 'hold');
    app = createApp({ dataDir: ':memory:', executors: { echo: exec.executor }, log: () => {} });
    await setup(app, [{ id: 'w', skills: ['x'], max_concurrency: 1 }], {
      plan_id: 'p',
      tasks: [{ task_id: 't', description: '', required_skills: ['x'] }],
    });
    await eventually(() => exec.running.has('t'));
    expect((await agentsById()).w!.status).toBe('BUSY');
    exec.running.get('t')!.finish();
  });
});
