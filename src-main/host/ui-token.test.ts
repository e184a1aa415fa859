import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tokenNote, UI_TOKEN_FILE, uiToken } from './ui-token.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'baton-ui-token-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const file = () => join(dir, UI_TOKEN_FILE);

describe('the browser-mode token kept in the data directory', () => {
  it('is made once, readable by its owner only, and the same at every launch', () => {
    const first = uiToken(dir);
    expect(first.origin).toBe('first');
    expect(first.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(statSync(file()).mode & 0o777).toBe(0o600);
    expect(readFileSync(file(), 'utf8').trim()).toBe(first.token);
    const again = uiToken(dir);
    expect(again).toEqual({ ...first, origin: 'kept' });
    expect(tokenNote(again)).toBe(null);
    expect(tokenNote(first)).toContain('--new-token');
  });

  it('is replaced when asked, and the old one is gone', () => {
    const old = uiToken(dir).token;
    const rotated = uiToken(dir, { rotate: true });
    expect(rotated.origin).toBe('asked');
    expect(rotated.token).not.toBe(old);
    expect(uiToken(dir).token).toBe(rotated.token);
    expect(statSync(file()).mode & 0o777).toBe(0o600);
  });

  it('is not trusted when other users could read it, nor when it is not a token Baton made', () => {
    const old = uiToken(dir).token;
    chmodSync(file(), 0o644);
    const exposed = uiToken(dir);
    expect(exposed.origin).toBe('exposed');
    expect(exposed.token).not.toBe(old);
    expect(statSync(file()).mode & 0o777).toBe(0o600);
    expect(tokenNote(exposed)).toContain('could be read by other users');
    writeFileSync(file(), 'short\n', { mode: 0o600 });
    const replaced = uiToken(dir);
    expect(replaced.origin).toBe('unreadable');
    expect(replaced.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });
});
