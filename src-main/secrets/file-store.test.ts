import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createFileSecretStore } from './file-store.ts';

// The OS keychain is the boundary: here an AES key in memory stands in for it.
const key = randomBytes(32);
const cipher = {
  encrypt(plain: string) {
    const iv = randomBytes(12);
    const c = createCipheriv('aes-256-gcm', key, iv);
    const body = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
    return Buffer.concat([iv, c.getAuthTag(), body]);
  },
  decrypt(sealed: Buffer) {
    const d = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, 12));
    d.setAuthTag(sealed.subarray(12, 28));
    return Buffer.concat([d.update(sealed.subarray(28)), d.final()]).toString('utf8');
  },
};

let dir: string;
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('file secret store', () => {
  it('keeps values encrypted in a 0600 file, lists names only, and deletes', () => {
    dir = mkdtempSync(join(tmpdir(), 'baton-secrets-'));
    const file = join(dir, 'secrets.json');
    const store = createFileSecretStore(file, cipher);
    store.set('openai.key', 'sk-very-secret-value');
    store.set('deploy', 'tok-123');
    expect(store.get('openai.key')).toBe('sk-very-secret-value');
    expect(store.names()).toEqual(['deploy', 'openai.key']);
    expect(readFileSync(file, 'utf8')).not.toContain('sk-very-secret-value');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(store.delete('deploy')).toBe(true);
    expect(store.delete('deploy')).toBe(false);
    expect(store.get('deploy')).toBeUndefined();
  });

  it('without a keychain keeps values as they are in the 0600 file, and lists names and how they are kept, never values', () => {
    dir = mkdtempSync(join(tmpdir(), 'baton-secrets-'));
    const file = join(dir, 'secrets.json');
    const store = createFileSecretStore(file, null);
    expect(store.protection).toBe('file');
    expect(store.get('absent')).toBeUndefined();
    store.set('hook_key', 'whsec_plain-value');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(store.get('hook_key')).toBe('whsec_plain-value');
    const listed = store.entries();
    expect(listed).toEqual([{ name: 'hook_key', protection: 'file', readable: true }]);
    expect(JSON.stringify(listed)).not.toContain('whsec_plain-value');
    // Set again: replaced, still 0600, no temporary file left behind.
    store.set('hook_key', 'second');
    expect(store.get('hook_key')).toBe('second');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, 'utf8')).not.toContain('whsec_plain-value');
  });

  it('shares the file with the desktop app: its keychain entries are listed as unreadable where there is no keychain', () => {
    dir = mkdtempSync(join(tmpdir(), 'baton-secrets-'));
    const file = join(dir, 'secrets.json');
    createFileSecretStore(file, cipher).set('desk.key', 'sealed-value');
    const served = createFileSecretStore(file, null);
    served.set('serve.key', 'plain-value');
    expect(served.get('desk.key')).toBeUndefined();
    expect(served.entries()).toEqual([
      { name: 'desk.key', protection: 'keychain', readable: false },
      { name: 'serve.key', protection: 'file', readable: true },
    ]);
    // The desktop app reads both.
    const desk = createFileSecretStore(file, cipher);
    expect(desk.get('desk.key')).toBe('sealed-value');
    expect(desk.get('serve.key')).toBe('plain-value');
  });

  it('names the file when it is not JSON, and finds no secret named like an object property', () => {
    dir = mkdtempSync(join(tmpdir(), 'baton-secrets-'));
    const file = join(dir, 'secrets.json');
    const store = createFileSecretStore(file, null);
    expect(store.get('constructor')).toBeUndefined();
    writeFileSync(file, '{ not json', { mode: 0o600 });
    expect(() => store.get('x')).toThrow(`${file} is not valid JSON`);
  });
});
