import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createClient } from '../../src-shared/contract/client.ts';
import type { BatonApp } from '../app/create-app.ts';
import { createApp } from '../app/create-app.ts';
import type { BrowserHost } from '../host/browser/server.ts';
import { startBrowserHost } from '../host/browser/server.ts';
import { readServerJson } from '../mcp/host-link.ts';
import { hostSocketTransport } from './host-socket.ts';

describe('hostSocketTransport', () => {
  let dir: string;
  let app: BatonApp;
  const hosts: BrowserHost[] = [];
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'baton-host-socket-'));
    app = createApp({ dataDir: dir, log: () => {} });
  });
  afterEach(async () => {
    for (const h of hosts.splice(0)) await h.close();
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  });
  /** A launch of the browser host on the data directory: a new token (as `--new-token` makes), a new port, server.json written. */
  const launch = async () => {
    const host = await startBrowserHost({
      dispatch: app.dispatch,
      bus: app.bus,
      rendererDir: dir,
      dataDir: dir,
    });
    hosts.push(host);
    return host;
  };

  it("answers calls and brings the host's events on one socket, errors naming the field", async () => {
    await launch();
    const client = createClient(hostSocketTransport(dir, readServerJson(dir)!));
    try {
      const seen: string[] = [];
      client.on('task.updated', (t) => seen.push(`${t.task_id} ${t.status}`));
      await client.invoke('agents.import', { agents: [{ id: 'w', skills: ['x'] }] });
      await client.invoke('plans.import', {
        plan: { plan_id: 'p', tasks: [{ task_id: 't', description: 'd', required_skills: ['x'] }] },
      });
      const { run_id } = await client.invoke('runs.start', { plan_id: 'p' });
      await app.engine.whenSettled(run_id);
      await new Promise((r) => setImmediate(r));
      expect((await client.invoke('runs.get', { run_id })).status).toBe('completed');
      expect(seen).toContain('t done');
      // Errors come back as the host gives them, naming the field.
      await expect(
        client.invoke('agents.import', { agents: [{ id: 'b', kind: 'command' }] }),
      ).rejects.toThrow(/agents\[0\]/);
    } finally {
      client.close();
    }
  });

  it('reads server.json once more when its host has gone, and names the host when none answers', async () => {
    const first = await launch();
    const stale = readServerJson(dir)!;
    await first.close();
    hosts.splice(0);
    const again = await launch();
    expect(again.token).not.toBe(stale.token);
    const client = createClient(hostSocketTransport(dir, stale));
    try {
      expect(await client.invoke('agents.list', {})).toEqual([]);
      await again.close();
      hosts.splice(0);
      // Whether this call finds the socket closing or closed, the answer names the host.
      await expect(client.invoke('agents.list', {})).rejects.toThrow(
        new RegExp(
          `^the Baton host at ${again.url} (did not answer \\(nothing listens there\\)|stopped answering)`,
        ),
      );
    } finally {
      client.close();
    }
  });
});
