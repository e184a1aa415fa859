import { hostname } from 'node:os';
import type { BatonClient } from '../../../src-shared/contract/client.ts';
import type { Person } from '../../../src-shared/schemas/people.ts';
import type { Role } from '../../../src-shared/schemas/plain/people.ts';
import { connectRemote } from '../connection.ts';
import { CliError } from '../files.ts';
import { parseBatonUrl, readSignIns, writeSignIns } from '../login/sign-ins.ts';

/** How long one request to the Baton may take before the command gives up on it. */
const REQUEST_TIMEOUT_MS = 15_000;

const say = (line: string) => process.stderr.write(`${line}\n`);

interface Answer {
  status: number;
  body: Record<string, unknown> & { error?: { code?: string; message?: string } };
}

/** A POST to the Baton's sign-in routes, or why it gave no answer a Baton gives. */
async function post(url: string, path: string, body: unknown): Promise<Answer> {
  let res: Response;
  try {
    res = await fetch(new URL(path, url), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
  } catch (err) {
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    throw new CliError(
      `--url: nothing answers at ${url} (${cause?.code ?? cause?.message ?? (err as Error).message})`,
      1,
    );
  }
  const json = (await res.json().catch(() => null)) as Answer['body'] | null;
  if (json === null || typeof json !== 'object')
    throw new CliError(
      `--url: ${url} is not a Baton that people sign in to (HTTP ${res.status} at ${path})`,
      1,
    );
  return { status: res.status, body: json };
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * `baton login --url U`: signs this command line in to the Baton at U as a person, the way `gh auth
 * login` does. It prints a page of that Baton and a short code; the person opens the page where
 * they are signed in, checks the code and approves "Sign in the command line on <host> as <person>?".
 * The command line then receives a personal access token of theirs, kept in the config folder
 * (hosts.json, 0600), and U becomes where every command goes until --data-dir, --url or logout.
 */
export async function loginCommand(raw: string | undefined, json: boolean): Promise<number> {
  if (raw === undefined) throw new CliError('usage: baton login --url https://baton.example.com');
  const url = parseBatonUrl(raw);
  const started = await post(url, '/auth/device/start', { host: hostname() || 'this machine' });
  if (started.status !== 200)
    throw new CliError(
      started.status === 404
        ? `--url: ${url} does not offer sign-in for the command line (an older Baton, or not a Baton)`
        : `${url} refused to start signing in: ${started.body.error?.message ?? `HTTP ${started.status}`}`,
      1,
    );
  const { device_code, user_code, page, interval_s, expires_in_s } = started.body as {
    device_code: string;
    user_code: string;
    page: string;
    interval_s: number;
    expires_in_s: number;
  };
  say(`Open this page in a browser where you are signed in to Baton:\n\n  ${new URL(page, url).href}\n`);
  say(
    `It shows the code ${user_code}: approve only if it does. Waiting (${Math.round(expires_in_s / 60)} min)…`,
  );
  const until = Date.now() + expires_in_s * 1000;
  for (;;) {
    const answer = await post(url, '/auth/device/token', { device_code });
    if (answer.status === 200) {
      const got = answer.body as { token: string; token_id: string; person: Person; role: Role };
      const all = readSignIns();
      const before = all.hosts[url];
      all.hosts[url] = {
        token: got.token,
        token_id: got.token_id,
        person: got.person.name,
        role: got.role,
        signed_in_at: new Date().toISOString(),
      };
      all.default = url;
      writeSignIns(all);
      // The token this command line held there before is of no more use: ended, if it still can be.
      if (before) await revoke(url, got.token, before.token_id).catch(() => {});
      if (json) process.stdout.write(`${JSON.stringify({ url, person: got.person.name, role: got.role })}\n`);
      else
        process.stdout.write(
          `Signed in to ${url} as ${got.person.name} (${got.role}). Commands go there now; ` +
            '--data-dir D works on this machine instead, baton logout forgets it.\n',
        );
      return 0;
    }
    if (answer.status !== 202)
      throw new CliError(`not signed in: ${answer.body.error?.message ?? `HTTP ${answer.status}`}`, 1);
    if (Date.now() > until)
      throw new CliError('not signed in: nobody approved within the time; run baton login again', 1);
    await pause(interval_s * 1000);
  }
}

async function revoke(url: string, token: string, tokenId: string): Promise<boolean> {
  const { client } = connectRemote(url, token, 'change');
  try {
    return (await client.invoke('people.revokeToken', { token_id: tokenId })).revoked;
  } finally {
    client.close();
  }
}

/** `baton logout [--url U]`: ends the token at that Baton (when it answers) and forgets it here. */
export async function logoutCommand(raw: string | undefined): Promise<number> {
  const all = readSignIns();
  const url = raw === undefined ? all.default : parseBatonUrl(raw);
  if (url === null) throw new CliError('not signed in to any Baton (baton login --url U signs in)', 1);
  const held = all.hosts[url];
  if (!held) throw new CliError(`--url: not signed in to ${url}`, 1);
  let ended: string;
  try {
    ended = (await revoke(url, held.token, held.token_id))
      ? 'its token revoked there'
      : 'its token was already revoked there';
  } catch (err) {
    ended = `its token could not be revoked there (${(err as Error).message}): revoke "${held.token_id}" in Settings → Tokens`;
  }
  delete all.hosts[url];
  if (all.default === url) all.default = Object.keys(all.hosts)[0] ?? null;
  writeSignIns(all);
  process.stdout.write(`Signed out of ${url}, ${ended}.\n`);
  return 0;
}

/** `baton whoami`: who the commands act as, and where. */
export async function whoamiCommand(
  client: BatonClient,
  where: { url: string } | { dataDir: string },
  json: boolean,
): Promise<number> {
  const me = await client.invoke('people.me', {});
  if (json) {
    process.stdout.write(
      `${JSON.stringify({ ...where, person: me.person?.name ?? null, role: me.role, via: me.via })}\n`,
    );
    return 0;
  }
  if ('url' in where)
    process.stdout.write(
      `${me.person?.name ?? '?'} (${me.role}) at ${where.url}, by a personal access token\n`,
    );
  else
    process.stdout.write(
      `${me.person ? `${me.person.name} (owner)` : 'the machine’s owner'} on this machine's data directory ${where.dataDir}\n`,
    );
  return 0;
}
