import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, expect, it } from 'vitest';
import { gitlabForge } from './client.ts';

/**
 * GitLab lists a project's open merge requests from forks too. One opened from a fork whose
 * source branch has Baton's landing branch's name (`baton/<run>/<task>`) is someone else's work:
 * taken as Baton's own, a person would merge the fork's code as the landing.
 */
let server: Server | null = null;
afterEach(() => new Promise<void>((r) => (server ? server.close(() => r()) : r())));

const mr = (iid: number, source_project_id: number) => ({
  id: 5000 + iid,
  iid,
  project_id: 42,
  target_project_id: 42,
  source_project_id,
  web_url: `http://gitlab.test/acme/app/-/merge_requests/${iid}`,
  title: 'Baton: api',
  state: 'opened',
  sha: 'f'.repeat(40),
  source_branch: 'baton/run-abc/api',
  target_branch: 'main',
  detailed_merge_status: 'mergeable',
});

async function forgeAnswering(list: ReturnType<typeof mr>[]) {
  server = createServer((req, res) => {
    res.setHeader('content-type', 'application/json');
    const url = req.url ?? '';
    if (/\/merge_requests\?/.test(url)) return res.end(JSON.stringify(list));
    const one = list.find((m) => url.endsWith(`/merge_requests/${m.iid}`));
    if (one) return res.end(JSON.stringify(one));
    res.statusCode = 404;
    res.end('{"message":"404 Not Found"}');
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', () => r()));
  const { port } = server.address() as AddressInfo;
  return gitlabForge({
    apiUrl: `http://127.0.0.1:${port}/api/v4`,
    repo: 'acme/app',
    token: 'glpat-x',
    tokenName: 'gitlab.token',
  });
}

it("does not take a fork's merge request with the landing branch's name as Baton's own", async () => {
  const forge = await forgeAnswering([mr(7, 666)]);
  expect(await forge.openFrom('baton/run-abc/api')).toBeNull();
});

it("finds the project's own merge request beside a fork's of the same branch name", async () => {
  const forge = await forgeAnswering([mr(7, 666), mr(9, 42)]);
  expect((await forge.openFrom('baton/run-abc/api'))?.number).toBe(9);
});
