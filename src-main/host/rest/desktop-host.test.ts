import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../../src-shared/schemas/memory.ts';
import type { Run } from '../../../src-shared/schemas/run.ts';
import type { Trigger, TriggerCreated } from '../../../src-shared/schemas/trigger.ts';
import { call } from '../../../test/kit/engine-kit.ts';
import type { BatonApp } from '../../app/create-app.ts';
import { createApp } from '../../app/create-app.ts';
import { startDesktopHost } from './desktop-host.ts';

let dir: string;
let app: BatonApp | null = null;
afterEach(async () => {
  await app?.close();
  app = null;
  rmSync(dir, { recursive: true, force: true });
});

const trigger = (url: string, secret: string, body: unknown) =>
  fetch(url, {
    method: 'POST',
    headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

describe("the desktop app's host (callbacks and triggers; its window uses IPC)", () => {
  it('starts a run on POST /api/triggers/<id> with the trigger’s secret, names itself in trigger URLs, and serves nothing of the UI', async () => {
    dir = mkdtempSync(join(tmpdir(), 'baton-desktop-host-'));
    app = createApp({ dataDir: dir, log: () => {} });
    await call(app, 'agents.import', { agents: [{ id: 'w', skills: ['x'] }] });
    await call(app, 'plans.import', {
      plan: {
        plan_id: 'deploy',
        run_inputs: { env: { type: 'string', required: true } },
        tasks: [{ task_id: 'ship', description: 'ship it', required_skills: ['x'] }],
      },
    });
    const host = await startDesktopHost(app);
    try {
      const made = await call<TriggerCreated>(app, 'triggers.add', { id: 'ci', plan_id: 'deploy' });
      expect(made.url).toBe(`${host.url}api/triggers/ci`);
      expect(made.curl).toContain(made.url);
      expect((await call<Trigger[]>(app, 'triggers.list', {}))[0]!.url).toBe(made.url);

      expect((await trigger(made.url, 'btr_wrong', {})).status).toBe(401);
      const bad = await trigger(made.url, made.secret, { inputs: { env: 3 } });
      expect(bad.status).toBe(400);
      expect(await bad.text()).toContain('inputs.env');
      const ok = await trigger(made.url, made.secret, { inputs: { env: 'staging' } });
      expect(ok.status).toBe(202);
      const { run_id } = (await ok.json()) as { run_id: string };
      const runs = await call<Run[]>(app, 'runs.list', { plan_id: 'deploy' });
      expect(runs.map((r) => [r.id, r.started_by])).toEqual([[run_id, 'trigger']]);
      const audited = await call<AuditEntry[]>(app, 'audit.list', { entity: 'trigger' });
      expect(audited.some((e) => e.run_id === run_id)).toBe(true);

      // Still nothing of the UI here: no RPC, no page, no MCP.
      for (const path of ['', 'api/rpc/plans.list', 'index.html', 'mcp']) {
        expect((await fetch(`${host.url}${path}`)).status).toBe(404);
      }
    } finally {
      await host.close();
    }
    // Closed, trigger URLs no longer name it.
    expect((await call<Trigger[]>(app, 'triggers.list', {}))[0]!.url).not.toContain(host.url);
  });
});
