import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createClient } from '../../../src-shared/contract/client.ts';
import { socketProtocols } from '../../../src-shared/contract/socket-auth.ts';
import { createSocketTransport } from '../../../src-shared/contract/socket-transport.ts';
import { defineContractSuite } from '../../../test/contract/suite.ts';
import { http, startOnTempDir, tryUpgrade } from '../../../test/kit/host-kit.ts';
import type { BrowserHost } from './server.ts';

defineContractSuite('a real WebSocket to the browser host', async () => {
  const { host, stop } = await startOnTempDir((dir) => ({ rendererDir: join(dir, 'ui'), dataDir: dir }));
  const client = createClient(
    createSocketTransport({
      connect: () =>
        new WebSocket(`ws://127.0.0.1:${host.port}/ws`, {
          headers: { Authorization: `Bearer ${host.token}` },
        }),
      reconnect: false,
    }),
  );
  return {
    client,
    async close() {
      client.close();
      await stop();
    },
  };
});

describe('browser host security', () => {
  let dir: string;
  let host: BrowserHost;
  let stop: () => Promise<void>;
  beforeAll(async () => {
    ({ dir, host, stop } = await startOnTempDir((d) => ({ rendererDir: join(d, 'ui'), dataDir: d })));
    mkdirSync(join(dir, 'ui'));
    writeFileSync(join(dir, 'ui', 'index.html'), '<!doctype html><title>Baton test UI</title>');
  });
  afterAll(() => stop());

  it('listens on 127.0.0.1 only and prints a URL with the token', () => {
    expect(host.url).toBe(`http://127.0.0.1:${host.port}/`);
    expect(host.openUrl).toBe(`${host.url}?token=${host.token}`);
    expect(host.token.length).toBeGreaterThanOrEqual(40);
  });

  it('writes server.json with the token, readable by the owner only', () => {
    const file = join(dir, 'server.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ port: host.port, token: host.token });
  });

  it('answers 401 without the token on the API, and takes no cookie for one', async () => {
    expect((await http(host.port, '/api/health')).status).toBe(401);
    expect(
      (await http(host.port, '/api/health', { headers: { Authorization: 'Bearer wrong' } })).status,
    ).toBe(401);
    // A cookie holding the right token is no credential: cookies ignore ports, so one set for
    // Baton would reach every other server on 127.0.0.1.
    expect(
      (
        await http(host.port, '/api/health', {
          headers: { Cookie: `baton-token-${host.port}=${host.token}` },
        })
      ).status,
    ).toBe(401);
  });

  it('serves the UI without the token (it holds no data) and never sets a cookie', async () => {
    for (const path of ['/', `/plans?token=${host.token}`, '/?token=wrong']) {
      const page = await http(host.port, path);
      expect(page.status).toBe(200);
      expect(page.body).toContain('Baton test UI');
      expect(page.headers['set-cookie']).toBeUndefined();
      expect(page.headers['content-security-policy']).toContain("default-src 'self'");
      expect(page.headers['access-control-allow-origin']).toBeUndefined();
    }
    const auth = { Authorization: `Bearer ${host.token}` };
    const api = await http(host.port, '/api/health', { headers: auth });
    expect(api.status).toBe(200);
    expect(api.headers['set-cookie']).toBeUndefined();
  });

  it('refuses a Host other than localhost / 127.0.0.1 / [::1] with 403 (DNS rebinding)', async () => {
    const auth = { Authorization: `Bearer ${host.token}` };
    expect(
      (await http(host.port, '/api/health', { headers: { ...auth, Host: 'evil.example' } })).status,
    ).toBe(403);
    expect(
      (await http(host.port, '/api/health', { headers: { ...auth, Host: `localhost:${host.port}` } })).status,
    ).toBe(200);
    expect(
      (await http(host.port, '/api/health', { headers: { ...auth, Host: `[::1]:${host.port}` } })).status,
    ).toBe(200);
  });

  it('serves the contract over HTTP for API clients with a Bearer token', async () => {
    const res = await http(host.port, '/api/rpc/agents.list', {
      method: 'POST',
      headers: { Authorization: `Bearer ${host.token}`, 'Content-Type': 'application/json' },
      body: '{}',
    });
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toEqual({ ok: true, value: [] });
    const bad = await http(host.port, '/api/rpc/plans.import', {
      method: 'POST',
      headers: { Authorization: `Bearer ${host.token}` },
      body: '{"plan": {"plan_id": "p", "tasks": []}}',
    });
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.body).error).toMatchObject({ code: 'invalid_input' });
    expect(JSON.parse(bad.body).error.message).toContain('tasks');
  });

  it('refuses an API call from another origin, token or not', async () => {
    const res = await http(host.port, '/api/rpc/agents.list', {
      method: 'POST',
      headers: { Authorization: `Bearer ${host.token}`, Origin: 'http://evil.example' },
      body: '{}',
    });
    expect(res.status).toBe(403);
  });

  it('accepts a WebSocket only with the token (a subprotocol from a page, Bearer from a program) and, from a browser, the host’s own Origin', async () => {
    const own = `http://127.0.0.1:${host.port}`;
    const protocols = socketProtocols(host.token);
    expect(await tryUpgrade(host.port, { Origin: own }, { protocols })).toBe('open');
    expect(await tryUpgrade(host.port, { Origin: 'http://evil.example' }, { protocols })).toBe(403);
    expect(await tryUpgrade(host.port, { Origin: `http://localhost:${host.port + 1}` }, { protocols })).toBe(
      403,
    );
    expect(await tryUpgrade(host.port, { Origin: own }, { protocols: socketProtocols('old-token') })).toBe(
      401,
    );
    expect(await tryUpgrade(host.port, { Origin: own })).toBe(401);
    expect(
      await tryUpgrade(host.port, { Origin: own, Cookie: `baton-token-${host.port}=${host.token}` }),
    ).toBe(401);
    expect(await tryUpgrade(host.port, { Authorization: `Bearer ${host.token}` })).toBe('open');
    expect(await tryUpgrade(host.port, { Authorization: `Bearer ${host.token}`, Host: 'evil.example' })).toBe(
      403,
    );
  });

  it('answers the page’s socket with the `baton` subprotocol only, never echoing the token', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${host.port}/ws`, socketProtocols(host.token), {
      headers: { Origin: `http://127.0.0.1:${host.port}` },
    });
    await new Promise((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    });
    expect(ws.protocol).toBe('baton');
    ws.close();
  });

  it('removes server.json when it stops', async () => {
    const { dir: d, app: a, host: h } = await startOnTempDir((dir) => ({ dataDir: dir }));
    expect(existsSync(join(d, 'server.json'))).toBe(true);
    await h.close();
    a.close();
    expect(existsSync(join(d, 'server.json'))).toBe(false);
    rmSync(d, { recursive: true, force: true });
  });
});

describe('browser host: agent callbacks behind a proxy', () => {
  it('offers callbacks at the callback URL, and takes them under another Host name while the UI refuses it', async () => {
    const {
      app: a,
      host: h,
      stop,
    } = await startOnTempDir((dir, app) => ({
      dataDir: dir,
      agentCallbacks: app.agentCallbacks,
      callbackUrl: 'https://baton.example.com/',
    }));
    try {
      const slot = a.agentCallbacks.open()!;
      expect(slot.url).toMatch(/^https:\/\/baton\.example\.com\/api\/agent-callbacks\/[\w-]+$/);
      const path = new URL(slot.url).pathname;
      const headers = { Host: 'baton.example.com', 'Content-Type': 'application/json' };
      const ok = await http(h.port, path, {
        method: 'POST',
        headers: { ...headers, Authorization: `Bearer ${slot.token}` },
        body: JSON.stringify({ status: 'running', progress: 50 }),
      });
      expect(ok.status).toBe(200);
      expect(await slot.next(new AbortController().signal, 0)).toMatchObject({ progress: 50 });
      // Under that name the UI and the API still answer 403 (the Host check guards the token).
      expect(
        (await http(h.port, '/api/health', { headers: { ...headers, Authorization: `Bearer ${h.token}` } }))
          .status,
      ).toBe(403);
    } finally {
      await stop();
    }
  });
});

describe('browser host: the built UI changing under it', () => {
  let ui: string;
  let host: BrowserHost;
  let stop: () => Promise<void>;
  let auth: Record<string, string>;
  beforeAll(async () => {
    const started = await startOnTempDir((dir) => ({ rendererDir: join(dir, 'ui') }));
    ({ host, stop } = started);
    ui = join(started.dir, 'ui');
    mkdirSync(join(ui, 'assets'), { recursive: true });
    writeFileSync(join(ui, 'index.html'), '<!doctype html><title>Baton test UI</title>');
    writeFileSync(join(ui, 'assets', 'PlanGraph-OLD.js'), 'export const old = 1;');
    auth = { Authorization: `Bearer ${host.token}` };
  });
  afterAll(() => stop());
  const get = (path: string, headers: Record<string, string> = {}) => http(host.port, path, { headers });

  it('answers 404 for a file deleted after it was served (a rebuild), and keeps answering', async () => {
    const first = await get('/assets/PlanGraph-OLD.js');
    expect(first.status).toBe(200);
    expect(first.headers['content-type']).toMatch(/^text\/javascript/);
    expect(first.body).toBe('export const old = 1;');
    rmSync(join(ui, 'assets', 'PlanGraph-OLD.js'));
    expect((await get('/assets/PlanGraph-OLD.js')).status).toBe(404);
    expect((await get('/assets/PlanGraph-OLD.js')).status).toBe(404);
    expect((await get('/')).status).toBe(200);
    expect((await http(host.port, '/api/health', { headers: auth })).status).toBe(200);
  });

  it('serves files a rebuild added, and index.html as rebuilt, without a restart', async () => {
    expect((await get('/assets/PlanGraph-NEW.js')).status).toBe(404);
    writeFileSync(join(ui, 'assets', 'PlanGraph-NEW.js'), 'export const fresh = 2;');
    writeFileSync(join(ui, 'index.html'), '<!doctype html><title>Rebuilt UI</title>');
    const added = await get('/assets/PlanGraph-NEW.js');
    expect(added.status).toBe(200);
    expect(added.body).toBe('export const fresh = 2;');
    expect((await get('/')).body).toContain('Rebuilt UI');
  });

  it('lets the browser keep hashed assets but revalidate index.html', async () => {
    writeFileSync(join(ui, 'assets', 'index-abc123.css'), 'body{}');
    const asset = await get('/assets/index-abc123.css');
    expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(asset.headers['content-type']).toMatch(/^text\/css/);
    const page = await get('/');
    expect(page.headers['cache-control']).toBe('no-cache');
    expect(page.headers['content-security-policy']).toContain("default-src 'self'");
    const etag = String(page.headers.etag);
    expect((await get('/', { 'If-None-Match': etag })).status).toBe(304);
  });

  it('sends a file whole, as long as it says, an empty one too, and a date the client holds as unchanged', async () => {
    const big = 'x'.repeat(300_000);
    writeFileSync(join(ui, 'assets', 'big-abc123.js'), big);
    writeFileSync(join(ui, 'assets', 'empty-abc123.js'), '');
    const got = await get('/assets/big-abc123.js');
    expect([got.status, got.headers['content-length'], got.body.length]).toEqual([200, '300000', 300_000]);
    const empty = await get('/assets/empty-abc123.js');
    expect([empty.status, empty.headers['content-length'], empty.body]).toEqual([200, '0', '']);
    const since = String(got.headers['last-modified']);
    expect((await get('/assets/big-abc123.js', { 'If-Modified-Since': since })).status).toBe(304);
  });

  it('answers the app’s own paths with index.html, and a missing file or an escape with 404', async () => {
    const view = await get('/plans');
    expect(view.status).toBe(200);
    expect(view.headers['content-type']).toMatch(/^text\/html/);
    expect(view.headers['cache-control']).toBe('no-cache');
    expect((await get('/nothing.js')).status).toBe(404);
    // An address of the app ending in an id with a dot, opened as a page, is the app too.
    const html = { Accept: 'text/html,application/xhtml+xml;q=0.9,*/*;q=0.8' };
    const task = await get('/runs/run-1/tasks/notes.md', html);
    expect(task.status).toBe(200);
    expect(task.headers['content-type']).toMatch(/^text\/html/);
    expect((await get('/runs/run-1/tasks/notes.md')).status).toBe(404);
    // `//evil.example/x` is another site's address to a page: no app there (signed in at it, the
    // page went to that site).
    expect((await get('//evil.example/x', html)).status).toBe(404);
    expect((await get('/\\evil.example/x', html)).status).toBe(404);
    // Served at a deep address, the page names its assets from the root, not from below it.
    writeFileSync(join(ui, 'index.html'), '<script type="module" src="./assets/index-abc.js"></script>');
    expect((await get('/runs/run-1/tasks/notes.md', html)).body).toBe(
      '<script type="module" src="/assets/index-abc.js"></script>',
    );
    expect((await get('/assets/gone-abc123.js', html)).status).toBe(404);
    expect((await get('/.hidden', html)).status).toBe(404);
    expect((await get('/assets/%2e%2e/%2e%2e/server.json')).status).toBe(404);
    expect((await get('/..%2F..%2Fserver.json')).status).toBe(404);
    expect((await get('/.hidden')).status).toBe(404);
    const head = await http(host.port, '/assets/index-abc123.css', {
      method: 'HEAD',
    });
    expect(head.status).toBe(200);
    expect(head.body).toBe('');
  });

  it('survives a malformed WebSocket frame: that socket closes, the host keeps answering', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${host.port}/ws`, {
      headers: { Authorization: `Bearer ${host.token}` },
    });
    await new Promise((resolve) => ws.once('open', resolve));
    const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
    ws.on('error', () => {});
    // A client frame without a mask: the server must refuse it (RFC 6455 §5.1).
    (ws as unknown as { _socket: import('node:net').Socket })._socket.write(Buffer.from([0x81, 0x01, 0x61]));
    expect(await closed).toBeGreaterThan(1000);
    expect((await http(host.port, '/api/health', { headers: auth })).status).toBe(200);
  });
});

describe('browser host: refusals', () => {
  let host: BrowserHost;
  let stop: () => Promise<void>;
  const html = { Accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' };
  beforeAll(async () => {
    ({ host, stop } = await startOnTempDir());
  });
  afterAll(() => stop());

  it('explains a refused Host name in the page, with 403 kept', async () => {
    const res = await http(host.port, '/', { headers: { ...html, Host: 'evil.example' } });
    expect(res.status).toBe(403);
    expect(res.body).toContain('Baton does not answer at this address');
  });

  it('answers the API without a valid token with JSON, whoever asks, and says when the token is old', async () => {
    const askers: Record<string, string>[] = [
      html,
      { Accept: '*/*' },
      {},
      { Authorization: 'Bearer token-of-an-earlier-launch' },
    ];
    for (const headers of askers) {
      const res = await http(host.port, '/api/health', { headers });
      expect(res.status).toBe(401);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(res.headers['www-authenticate']).toBe('Bearer');
      expect(JSON.parse(res.body).error.code).toBe('unauthorized');
    }
    const old = await http(host.port, '/api/health', {
      headers: { Authorization: 'Bearer token-of-an-earlier-launch' },
    });
    expect(JSON.parse(old.body).error.message).toContain('it was replaced: `baton serve --new-token`');
  });
});

describe('browser host: who calls', () => {
  it('records the name a socket call says it is from, and refuses one that is not a name', async () => {
    const { host, stop } = await startOnTempDir();
    let name: string | undefined = 'Ana';
    const client = createClient(
      createSocketTransport({
        connect: () =>
          new WebSocket(`ws://127.0.0.1:${host.port}/ws`, {
            headers: { Authorization: `Bearer ${host.token}` },
          }),
        reconnect: false,
      }),
      () => (name === undefined ? undefined : { actor: name }),
    );
    try {
      await client.invoke('secrets.set', { name: 'k', value: 'v' });
      name = undefined;
      await client.invoke('secrets.delete', { name: 'k' });
      const audit = await client.invoke('audit.list', { entity: 'secret' });
      expect(audit.map((e) => [e.actor, e.to_status])).toEqual([
        ['user', 'deleted'],
        ['Ana', 'set'],
      ]);
      name = '';
      await expect(client.invoke('secrets.set', { name: 'k', value: 'v' })).rejects.toThrow(/actor/);
      // A frame whose actor is not text is refused before any method runs.
      const ws = new WebSocket(`ws://127.0.0.1:${host.port}/ws`, {
        headers: { Authorization: `Bearer ${host.token}` },
      });
      await new Promise((resolve) => ws.once('open', resolve));
      const reply = new Promise<string>((resolve) => ws.on('message', (d) => resolve(String(d))));
      ws.send(JSON.stringify({ id: 1, method: 'secrets.set', input: { name: 'k', value: 'v' }, actor: 5 }));
      expect(JSON.parse(await reply)).toMatchObject({
        id: null,
        result: { ok: false, error: { code: 'invalid_input' } },
      });
      ws.close();
      name = 'Ana';
      expect((await client.invoke('secrets.list', {})).secrets).toEqual([]);
      // An API client says who it is with a header.
      const set = await http(host.port, '/api/rpc/secrets.set', {
        method: 'POST',
        headers: {
          Authorization: `Bearer ${host.token}`,
          'Content-Type': 'application/json',
          'Baton-Actor': 'Cy',
        },
        body: JSON.stringify({ name: 'k2', value: 'v' }),
      });
      expect(set.status).toBe(200);
      const [latest] = await client.invoke('audit.list', { entity: 'secret' });
      expect(latest).toMatchObject({ actor: 'Cy', entity_id: 'k2', to_status: 'set' });
    } finally {
      client.close();
      await stop();
    }
  });
});
