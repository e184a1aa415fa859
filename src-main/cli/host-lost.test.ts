import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createClient } from '../../src-shared/contract/client.ts';
import { controlledExecutor, eventually, setup, task } from '../../test/kit/engine-kit.ts';
import type { BatonApp } from '../app/create-app.ts';
import { createApp } from '../app/create-app.ts';
import { startBrowserHost } from '../host/browser/server.ts';
import { readServerJson } from '../mcp/host-link.ts';
import { followRun } from './commands/run.ts';
import { hostSocketTransport } from './host-socket.ts';

/**
 * `baton run` (or `baton approve`) follows a run through the Baton host that serves the data
 * directory, and the host goes away mid-run: the command says the run is unfinished there and
 * exits 5, and never advises running the command again (which would start another run).
 */
let dir: string;
let app: BatonApp;
afterEach(async () => {
  vi.restoreAllMocks();
  await app?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('following a run through a host that goes away', () => {
  it('exits 5, saying the run goes on when a host opens the data directory again', async () => {
    dir = mkdtempSync(join(tmpdir(), 'baton-host-lost-'));
    const exec = controlledExecutor();
    app = createApp({ dataDir: dir, executors: { echo: exec.executor }, log: () => {} });
    const host = await startBrowserHost({
      dispatch: app.dispatch,
      bus: app.bus,
      rendererDir: dir,
      dataDir: dir,
    });
    const client = createClient(hostSocketTransport(dir, readServerJson(dir)!));
    const runId = await setup(app, [{ id: 'w', skills: ['x'] }], { plan_id: 'p', tasks: [task('a')] });
    await eventually(() => exec.running.has('a'), 10_000, 'a running');
    const said: string[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
      said.push(String(chunk));
      return true;
    });
    const following = followRun(client, runId, { json: false, watch: { stop() {} } });
    // The host goes while the command follows the run (its calls on their way, or the next).
    await host.close();
    expect(await following).toBe(5);
    const text = said.join('');
    expect(text).toContain(
      `Run ${runId} is unfinished: it goes on when \`baton serve\` or the app opens this data directory again`,
    );
    expect(text).not.toContain('run the command again');
  });
});
