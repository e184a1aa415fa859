import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { http } from '../../test/kit/host-kit.ts';
import type { OffDeskBaton } from '../../test/kit/off-desk-kit.ts';
import { offDeskBaton } from '../../test/kit/off-desk-kit.ts';
import { post } from '../../test/kit/people-kit.ts';

const root = join(import.meta.dirname, '..', '..');

/** The CLI as a child process: its output so far, and its exit. */
function baton(args: string[], env: NodeJS.ProcessEnv) {
  const child = spawn(process.execPath, [join(root, 'src-main', 'cli', 'baton.ts'), ...args], {
    env: { ...process.env, BATON_DATA_DIR: '', BATON_URL: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const out = { stdout: '', stderr: '' };
  child.stdout.on('data', (c: Buffer) => (out.stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (out.stderr += c.toString()));
  const exited = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.on('close', (code) => resolve({ code, ...out })),
  );
  return { out, exited, kill: () => child.kill() };
}

/**
 * `baton login --url`: the CLI signs in to a Baton over HTTP as a person (the device flow), then
 * goes through it with their token and role. The real host on 127.0.0.1 with people signed in
 * through its routes; the CLI a child process; approving the sign-in done through the host's routes.
 */
describe('baton login against a Baton over the network', () => {
  let b: OffDeskBaton;
  let config: string;
  let url: string;
  const env = () => ({ BATON_CONFIG_DIR: config });
  const hostsFile = () => join(config, 'hosts.json');

  /** Runs `baton login` and answers its page as the person signed in by `cookie`: the CLI's exit. */
  async function login(cookie: string, approve = true) {
    const cli = baton(['login', '--url', url], env());
    try {
      await expect
        .poll(() => cli.out.stderr, { timeout: 30_000 })
        .toMatch(/\/device\?code=[A-Z]{4}-[A-Z]{4}/);
      const page = /(http:\/\/\S+\/device\?code=([A-Z]{4}-[A-Z]{4}))/.exec(cli.out.stderr)!;
      const code = page[2]!;
      // Its next line may come in a later write.
      await expect.poll(() => cli.out.stderr, { timeout: 30_000 }).toContain(`It shows the code ${code}`);
      // The page: what it asks, as the person signed in there.
      const shown = await http(b.port, `/auth/device?code=${code}`, { headers: b.page(cookie) });
      expect(shown.status, shown.body).toBe(200);
      const asked = JSON.parse(shown.body) as { host: string; person: { name: string }; user_code: string };
      expect(asked.user_code).toBe(code);
      const decided = await post(b.port, '/auth/device/decide', { user_code: code, approve }, b.page(cookie));
      expect(decided.status, decided.body).toBe(200);
      return { ...(await cli.exited), asked };
    } finally {
      cli.kill();
    }
  }

  beforeAll(async () => {
    b = await offDeskBaton();
    url = `http://127.0.0.1:${b.port}`;
    config = mkdtempSync(join(tmpdir(), 'baton-config-'));
  });
  afterAll(async () => {
    await b.stop();
    rmSync(config, { recursive: true, force: true });
  });

  it('signs a member in by the page, keeps the token 0600 in the config folder, and acts as them', async () => {
    const mia = await b.join('Mia', 'member');
    const r = await login(mia.cookie);
    expect(r.code, r.stderr).toBe(0);
    expect(r.asked.person.name).toBe('Mia');
    expect(r.stdout).toContain(`Signed in to ${url} as Mia (member)`);
    expect(statSync(hostsFile()).mode & 0o777).toBe(0o600);
    const held = JSON.parse(readFileSync(hostsFile(), 'utf8'));
    expect(held).toMatchObject({ default: url, hosts: { [url]: { person: 'Mia', role: 'member' } } });
    expect(held.hosts[url].token).toMatch(/^bpt_/);
    // The token is one of Mia's, as Settings → Tokens lists it, named for this machine.
    const tokens = await b.rpc('people.tokens', {}, b.page(mia.cookie));
    expect(tokens.result).toMatchObject({
      ok: true,
      value: [{ name: expect.stringMatching(/^CLI on /), role: 'member' }],
    });

    const who = await baton(['whoami'], env()).exited;
    expect(who.stdout, who.stderr).toContain(`Mia (member) at ${url}`);
    // A decision through the host, as Mia (never the login name the CLI would send).
    const id = await b.gate('Ship the release');
    const list = await baton(['approvals', '--json', '--url', url], env()).exited;
    expect(JSON.parse(list.stdout).map((a: { id: string }) => a.id)).toContain(id);
    const approved = await baton(['approve', id, '--as', 'Mallory'], env()).exited;
    expect(approved.code, approved.stderr).toBe(0);
    expect(b.approval(id)).toMatchObject({ status: 'approved', actor: 'Mia' });
  });

  it("refuses a viewer's approve, saying the role; a token revoked in Settings stops the CLI", async () => {
    const vic = await b.join('Vic', 'viewer');
    const r = await login(vic.cookie);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('as Vic (viewer)');
    const id = await b.gate('Ship again');
    const refused = await baton(['approve', id, '--url', url], env()).exited;
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/approvals\.decide needs the member role; Vic is a viewer/);
    expect(b.approval(id).status).toBe('pending');

    // Settings → Tokens: Vic revokes the CLI's token.
    const [token] = (
      (await b.rpc('people.tokens', {}, b.page(vic.cookie))).result as { value: { id: string }[] }
    ).value;
    const revoked = await b.rpc('people.revokeToken', { token_id: token!.id }, b.page(vic.cookie));
    expect(revoked.result).toMatchObject({ ok: true, value: { revoked: true } });
    const after = await baton(['approvals', '--url', url], env()).exited;
    expect(after.code).not.toBe(0);
    expect(after.stderr).toContain(`the Baton at ${url} refused your sign-in: its token was revoked`);
    expect(after.stderr).toContain(`baton login --url ${url}`);
  });

  it('is refused on the page: nothing is kept; a token cannot approve a sign-in', async () => {
    const before = readFileSync(hostsFile(), 'utf8');
    const nia = await b.join('Nia', 'member');
    const r = await login(nia.cookie, false);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('not signed in: the sign-in was refused on the page');
    expect(readFileSync(hostsFile(), 'utf8')).toBe(before);

    const cli = baton(['login', '--url', url], env());
    try {
      await expect.poll(() => cli.out.stderr, { timeout: 30_000 }).toMatch(/code=([A-Z]{4}-[A-Z]{4})/);
      const code = /code=([A-Z]{4}-[A-Z]{4})/.exec(cli.out.stderr)![1]!;
      const held = JSON.parse(before).hosts[url].token as string;
      const byToken = await http(b.port, `/auth/device?code=${code}`, {
        headers: { Authorization: `Bearer ${held}` },
      });
      expect(byToken.status).toBe(401);
      // Nor can a page of another origin answer it with a person's cookie.
      const foreign = await post(
        b.port,
        '/auth/device/decide',
        { user_code: code, approve: true },
        {
          ...b.page(nia.cookie),
          Origin: 'http://evil.example',
        },
      );
      expect(foreign.status).toBe(403);
    } finally {
      cli.kill();
    }
  });

  it('logout revokes the token there and forgets it here', async () => {
    const held = JSON.parse(readFileSync(hostsFile(), 'utf8'));
    const out = await baton(['logout'], env()).exited;
    expect(out.code, out.stderr).toBe(0);
    expect(out.stdout).toContain(`Signed out of ${url}`);
    expect(JSON.parse(readFileSync(hostsFile(), 'utf8'))).toEqual({ default: null, hosts: {} });
    const stale = await http(b.port, '/api/rpc/people.me', {
      method: 'POST',
      headers: { Authorization: `Bearer ${held.hosts[url].token}`, 'Content-Type': 'application/json' },
      body: '{}',
    });
    expect(stale.status).toBe(401);
  });

  it('names what is wrong with a bad --url and writes nothing', async () => {
    const fresh = mkdtempSync(join(tmpdir(), 'baton-config-'));
    try {
      for (const [bad, said] of [
        [
          'http://baton.example.com',
          /--url: "http:\/\/baton.example.com" is http:\/\/ to another machine.*https:\/\//,
        ],
        ['baton.example.com', /--url: "baton.example.com" is not a URL/],
        ['ftp://baton.example.com', /is not an http\(s\) address/],
        ['https://me:pw@baton.example.com', /holds a user name or password/],
        ['https://baton.example.com/app?x=1', /has a path, query or fragment.*https:\/\/baton.example.com/],
      ] as const) {
        const r = await baton(['login', '--url', bad], { BATON_CONFIG_DIR: fresh }).exited;
        expect(r.code, bad).toBe(2);
        expect(r.stderr, bad).toMatch(said);
      }
      const none = await baton(['login'], { BATON_CONFIG_DIR: fresh }).exited;
      expect(none.stderr).toContain('usage: baton login --url');
      const nobody = await baton(['login', '--url', 'http://127.0.0.1:1'], { BATON_CONFIG_DIR: fresh })
        .exited;
      expect(nobody.code).toBe(1);
      expect(nobody.stderr).toContain('--url: nothing answers at http://127.0.0.1:1');
      const notIn = await baton(['runs', '--url', 'https://baton.example.com'], { BATON_CONFIG_DIR: fresh })
        .exited;
      expect(notIn.stderr).toContain('not signed in to https://baton.example.com: run baton login --url');
      expect(existsSync(join(fresh, 'hosts.json'))).toBe(false);
    } finally {
      rmSync(fresh, { recursive: true, force: true });
    }
  });
});
