import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
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
});
