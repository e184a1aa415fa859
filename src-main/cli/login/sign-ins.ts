import { chmodSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { ROLES } from '../../../src-shared/schemas/plain/people.ts';
import { configHome } from '../../host/data-dir.ts';
import { isLoopback } from '../../http/host-names.ts';
import { CliError } from '../files.ts';

/**
 * The command line's sign-ins to Batons reached over the network (`baton login --url`): one
 * personal access token per Baton, kept in the user's config folder (never the data directory,
 * which a Baton serves and other people's runs write), in `hosts.json`, 0600 in a 0700 folder.
 */

/** One Baton the command line is signed in to, by its origin. */
const signInSchema = z.strictObject({
  token: z.string().startsWith('bpt_'),
  token_id: z.string(),
  person: z.string(),
  role: z.enum(ROLES),
  signed_in_at: z.string(),
});
export type SignIn = z.infer<typeof signInSchema>;

const fileSchema = z.strictObject({
  /** The Baton every command goes to when no --url or --data-dir says otherwise: the last signed in to. */
  default: z.string().nullable(),
  hosts: z.record(z.string(), signInSchema),
});
export type SignIns = z.infer<typeof fileSchema>;

/** The folder: $BATON_CONFIG_DIR, else the platform's config folder's `baton-cli`. */
export function configDir(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
  home: string = homedir(),
): string {
  if (env.BATON_CONFIG_DIR) return env.BATON_CONFIG_DIR;
  if (platform === 'win32') return join(env.APPDATA || join(home, 'AppData', 'Roaming'), 'Baton CLI');
  return join(configHome(env, home), 'baton-cli');
}

const fileOf = (dir: string) => join(dir, 'hosts.json');

export function readSignIns(dir: string = configDir()): SignIns {
  let text: string;
  try {
    text = readFileSync(fileOf(dir), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { default: null, hosts: {} };
    throw new CliError(`cannot read ${fileOf(dir)}: ${(err as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new CliError(
      `${fileOf(dir)} is not valid JSON (${(err as Error).message}): remove it and run baton login again`,
    );
  }
  const parsed = fileSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new CliError(
      `${fileOf(dir)}: ${issue?.path.join('.') || 'file'}: ${issue?.message}: remove it and run baton login again`,
    );
  }
  return parsed.data;
}

/** Writes the whole file at once (a new file renamed over the old), 0600: never half-written. */
export function writeSignIns(all: SignIns, dir: string = configDir()): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = fileOf(dir);
  const next = `${file}.${process.pid}.new`;
  try {
    writeFileSync(next, `${JSON.stringify(all, null, 2)}\n`, { mode: 0o600 });
    chmodSync(next, 0o600);
    renameSync(next, file);
  } catch (err) {
    rmSync(next, { force: true });
    throw new CliError(`cannot write ${file}: ${(err as Error).message}`);
  }
}

/**
 * A Baton's address as `--url` gives it, reduced to its origin: https, or http to this machine
 * only (a token sent in the clear elsewhere is a token given away). No user name, query or fragment;
 * Baton serves at the root of its address, so a path is refused too.
 */
export function parseBatonUrl(raw: string, what = '--url'): string {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw new CliError(
      `${what}: "${raw}" is not a URL; give the address you open Baton at, e.g. https://baton.example.com`,
    );
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new CliError(
      `${what}: "${raw}" is not an http(s) address (it is ${url.protocol.replace(':', '')})`,
    );
  if (url.protocol === 'http:' && !isLoopback(url.hostname))
    throw new CliError(
      `${what}: "${raw}" is http:// to another machine: the token would cross the network in the clear; use https:// (your reverse proxy or tunnel's address)`,
    );
  if (url.username || url.password)
    throw new CliError(`${what}: "${raw}" holds a user name or password; give the address alone`);
  if (url.search || url.hash || (url.pathname !== '/' && url.pathname !== ''))
    throw new CliError(
      `${what}: "${raw}" has a path, query or fragment; give Baton's address alone (${url.origin})`,
    );
  return url.origin;
}

/**
 * The Baton a command goes to over the network, if any: `--url` (not for `baton webhooks add`,
 * whose --url is the webhook's), else $BATON_URL, else the one last signed in to unless a data
 * directory is named (--data-dir, $BATON_DATA_DIR: this machine's). Null: this machine's data.
 * A named Baton the command line is not signed in to is an error that says how to sign in.
 */
export function remoteFor(
  flagUrl: string | undefined,
  dataDirNamed: boolean,
  env: NodeJS.ProcessEnv = process.env,
  dir: string = configDir(env),
): { url: string; token: string } | null {
  const named =
    flagUrl !== undefined
      ? parseBatonUrl(flagUrl)
      : env.BATON_URL
        ? parseBatonUrl(env.BATON_URL, 'BATON_URL')
        : null;
  if (named === null && dataDirNamed) return null;
  const all = readSignIns(dir);
  const url = named ?? all.default;
  if (url === null) return null;
  const held = all.hosts[url];
  if (!held) throw new CliError(`not signed in to ${url}: run baton login --url ${url}`);
  return { url, token: held.token };
}
