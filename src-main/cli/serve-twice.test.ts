import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { root, startServe } from '../../test/e2e/serve-process.ts';

/**
 * A second `baton serve` on `dir`: how it ended (its exit code), or `serving` when it started
 * serving instead (it is stopped then).
 */
function secondServe(dir: string): Promise<{ code: number | 'serving'; stderr: string }> {
  const child = spawn(
    process.execPath,
    [join(root, 'src-main', 'cli', 'baton.js'), 'serve', '--port', '0', '--data-dir', dir],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d));
  return new Promise((resolve) => {
    child.stdout.on('data', (d: Buffer) => {
      if (!String(d).includes('Baton is serving')) return;
      child.once('exit', () => resolve({ code: 'serving', stderr: err }));
      child.kill('SIGTERM');
    });
    child.once('exit', (code) => resolve({ code: code ?? -1, stderr: err }));
  });
}

describe('one `baton serve` per data directory', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'baton-serve-twice-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const serverJson = () => readFileSync(join(dir, 'server.json'), 'utf8');

  it('serves a data directory used for the first time (it is made, 0700, and keeps the token)', async () => {
    const fresh = join(dir, 'new', 'data');
    const first = await startServe(fresh);
    try {
      expect(statSync(fresh).mode & 0o777).toBe(0o700);
      expect(readFileSync(join(fresh, 'ui-token'), 'utf8').trim()).toBe(
        new URL(first.url).searchParams.get('token'),
      );
    } finally {
      await first.stop();
    }
  });

  it('a second serve refuses (exit 2), naming the host serving it (URL and pid); its server.json stays', async () => {
    const first = await startServe(dir);
    try {
      const before = serverJson();
      const second = await secondServe(dir);
      expect(second.code).toBe(2);
      expect(second.stderr).toContain(
        `is served already by the Baton host at ${new URL(first.url).origin}/ (pid ${first.child.pid})`,
      );
      expect(serverJson()).toBe(before);
    } finally {
      await first.stop();
    }
    // The first removes its own server.json as it stops.
    expect(existsSync(join(dir, 'server.json'))).toBe(false);
  });

  it('a host that stops leaves a server.json that is no longer its own; a stale one (no host answers at its URL) is taken over', async () => {
    const first = await startServe(dir);
    const info = JSON.parse(serverJson()) as { url: string; pid: number; token: string };
    // Another host took the data directory over meanwhile, with the same kept token.
    const other = { ...info, url: 'http://127.0.0.1:1/', port: 1, pid: info.pid + 1 };
    writeFileSync(join(dir, 'server.json'), JSON.stringify(other));
    await first.stop();
    expect(JSON.parse(serverJson())).toEqual(other);
    // Its host gone (nothing answers at its URL): the next serve takes over as before.
    const next = await startServe(dir);
    try {
      expect(JSON.parse(serverJson())).toMatchObject({
        pid: next.child.pid,
        url: `${new URL(next.url).origin}/`,
      });
    } finally {
      await next.stop();
    }
  });
});
