import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { WorkerFlags } from './worker.ts';
import { defaultDataDirs, isLoopback, workerCommand, workerSetup } from './worker.ts';

describe('baton worker: coding agents and --workspaces', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });
  const files = (agents: unknown, workspaces?: string) => {
    const dir = mkdtempSync(join(tmpdir(), 'baton-worker-flags-'));
    dirs.push(dir);
    writeFileSync(join(dir, 'agents.json'), JSON.stringify(agents));
    if (workspaces !== undefined) writeFileSync(join(dir, 'workspaces.json'), workspaces);
    const flags: WorkerFlags = {
      server: 'http://127.0.0.1:4800/',
      token: 'bwk_x',
      agents: join(dir, 'agents.json'),
      id: 'box',
      pollMs: undefined,
      dataDir: undefined,
      ...(workspaces === undefined ? {} : { workspaces: join(dir, 'workspaces.json') }),
    };
    return flags;
  };
  const coder = { id: 'coder', kind: 'coding', cli: 'claude', skills: ['code'] };

  it('runs coding agents with --workspaces, and refuses them without it, naming the agent', () => {
    expect(() => workerSetup(files([coder]))).toThrow(
      /\[0\] is a coding agent: name this machine's repositories it works in with --workspaces/,
    );
    const setup = workerSetup(files([coder], '[{"id":"app","path":"/srv/app"}]'));
    expect(setup.agents[0]).toMatchObject({ id: 'coder', kind: 'coding' });
    expect(setup.workspaces?.raw).toEqual([{ id: 'app', path: '/srv/app' }]);
  });

  it('a --workspaces entry that is wrong is refused naming it, and no data dir is made', async () => {
    const flags = files([coder], '[{"id":"app","path":3}]');
    const dataDir = join(dirs[0]!, 'worker-data');
    const setup = workerSetup({ ...flags, dataDir });
    await expect(workerCommand(setup)).rejects.toThrow(/\[0\]\.path/);
    expect(existsSync(dataDir)).toBe(false);
  });

  it('a --workspaces file that is not JSON is refused naming it', () => {
    expect(() => workerSetup(files([coder], '[{"id":'))).toThrow(/workspaces file .*workspaces\.json/);
  });
});

describe('baton worker: a server on this machine', () => {
  it('knows loopback servers by their address or name', () => {
    for (const url of [
      'http://127.0.0.1:4800/',
      'http://127.8.0.1/',
      'http://localhost:1/',
      'http://[::1]:4800/',
      'http://app.localhost/',
    ])
      expect(isLoopback(new URL(url)), url).toBe(true);
    for (const url of ['http://10.0.0.2:4800/', 'http://baton.lan/', 'http://[::2]/', 'http://128.0.0.1/'])
      expect(isLoopback(new URL(url)), url).toBe(false);
  });

  it("hides a Baton's default data directories: BATON_DATA_DIR and the platform's", () => {
    const env = { HOME: '/home/me', BATON_DATA_DIR: '/srv/baton', XDG_CONFIG_HOME: '/home/me/.config' };
    const dirs = defaultDataDirs(env);
    expect(dirs).toContain('/srv/baton');
    if (process.platform === 'linux') expect(dirs).toContain('/home/me/.config/Baton');
    expect(defaultDataDirs({ ...env, BATON_DATA_DIR: undefined })).toHaveLength(1);
  });
});
