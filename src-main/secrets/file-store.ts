import { chmodSync, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { SecretStore } from './secrets.ts';

/** Encrypts with a key the OS keeps (Electron safeStorage: Keychain, DPAPI, libsecret). */
export interface SecretCipher {
  encrypt(plain: string): Buffer;
  decrypt(sealed: Buffer): string;
}

export interface WritableSecretStore extends SecretStore {
  set(name: string, value: string): void;
  delete(name: string): boolean;
  names(): string[];
}

/**
 * Secrets kept encrypted in one file (mode 0600) in the data directory; only the OS can
 * decrypt them. Names are visible, values never leave this module except to executors.
 */
export function createFileSecretStore(file: string, cipher: SecretCipher): WritableSecretStore {
  const read = (): Record<string, string> =>
    existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>) : {};
  const write = (all: Record<string, string>) => {
    const tmp = `${file}.tmp`;
    writeFileSync(tmp, `${JSON.stringify(all, null, 2)}\n`, { mode: 0o600 });
    chmodSync(tmp, 0o600);
    renameSync(tmp, file);
  };
  return {
    get(name) {
      const sealed = read()[name];
      return sealed === undefined ? undefined : cipher.decrypt(Buffer.from(sealed, 'base64'));
    },
    set(name, value) {
      write({ ...read(), [name]: cipher.encrypt(value).toString('base64') });
    },
    delete(name) {
      const all = read();
      if (!(name in all)) return false;
      delete all[name];
      write(all);
      return true;
    },
    names: () => Object.keys(read()).sort(),
  };
}
