import { chmodSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { newToken } from '../http/security.ts';
import { PRIVATE_FILE_MODE } from '../store/private-files.ts';

/**
 * Browser mode's access token, kept in the data directory (`ui-token`, mode 0600, in a 0700
 * directory) so a restart of `baton serve` does not end every open tab's access: the link it
 * prints stays the same until a person asks for a new one (`baton serve --new-token`). It is as
 * strong as a token per launch (32 random bytes); what it opens is unchanged (the Host and Origin
 * checks stay). A file another user could read is not trusted: a new token replaces it.
 */
export const UI_TOKEN_FILE = 'ui-token';

/** A token as Baton makes one: 32 random bytes, base64url. */
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

/** Why the token is new, when it is: none was kept, it was asked for, or the kept one was not fit to use. */
export type TokenOrigin = 'kept' | 'first' | 'asked' | 'unreadable' | 'exposed';

export interface UiToken {
  token: string;
  origin: TokenOrigin;
  file: string;
}

/** Writes `token` as the file, whole or not at all (a new name, then renamed over it), owner-only. */
function writeToken(file: string, token: string): void {
  const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
  try {
    writeFileSync(tmp, `${token}\n`, { mode: PRIVATE_FILE_MODE });
    chmodSync(tmp, PRIVATE_FILE_MODE);
    renameSync(tmp, file);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}

/**
 * The data directory's access token: the one kept there, or a new one (written first) when none
 * is kept, when `rotate` asks for one, or when the kept one is malformed or readable by others.
 */
export function uiToken(dataDir: string, { rotate = false }: { rotate?: boolean } = {}): UiToken {
  const file = join(dataDir, UI_TOKEN_FILE);
  const fresh = (origin: TokenOrigin): UiToken => {
    const token = newToken();
    writeToken(file, token);
    return { token, origin, file };
  };
  if (rotate) return fresh('asked');
  let mode: number;
  try {
    mode = statSync(file).mode;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return fresh('first');
    throw err;
  }
  // Group or others could read it: it may have been seen, so it is not used again.
  if ((mode & 0o077) !== 0) return fresh('exposed');
  const kept = readFileSync(file, 'utf8').trim();
  return TOKEN_SHAPE.test(kept) ? { token: kept, origin: 'kept', file } : fresh('unreadable');
}

/** What `baton serve` says about the token, when there is something to say. */
export function tokenNote(t: UiToken): string | null {
  switch (t.origin) {
    case 'kept':
      return null;
    case 'first':
      return `The access token is kept in ${t.file} (only you can read it): this link works after a restart too; \`baton serve --new-token\` makes a new one.`;
    case 'asked':
      return `A new access token (${t.file}): tabs opened with the old link must open this one.`;
    case 'unreadable':
      return `${t.file} did not hold a token Baton made: it holds a new one.`;
    case 'exposed':
      return `${t.file} could be read by other users: it holds a new token now (tabs opened with the old link must open this one).`;
  }
}
