import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startServe } from '../../test/e2e/serve-process.ts';
import { readSecretValue } from './secret-value.ts';

const root = join(import.meta.dirname, '..', '..');
const VALUE = 'sk-cli-secret-value-9f8e7d';

function baton(args: string[], input = '') {
  const r = spawnSync(process.execPath, [join(root, 'src-main', 'cli', 'baton.ts'), ...args], {
    encoding: 'utf8',
    input,
    timeout: 30_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('baton secrets', () => {
  let dir: string;
  const stops: (() => Promise<void>)[] = [];
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'baton-secrets-cli-'));
  });
  afterEach(async () => {
    for (const s of stops.splice(0)) await s();
    rmSync(dir, { recursive: true, force: true });
  });

  it('sets a secret from standard input into a 0600 file, lists it without its value, and removes it', () => {
    const d = ['--data-dir', dir];
    const set = baton(['secrets', 'set', 'openai.key', ...d], `${VALUE}\n`);
    expect(set.stderr).toBe('');
    expect(set.stdout).toBe(
      'Set secret openai.key: stored in a file only you can read, not encrypted: this machine has no keychain Baton can use. It is used from now on.\n',
    );
    const file = join(dir, 'secrets.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    // One line ending taken off, nothing else.
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ 'openai.key': { plain: VALUE } });

    const list = baton(['secrets', 'list', ...d]);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/openai\.key\s+Stored by Baton, not encrypted\s+-/);
    expect(list.stdout).toContain('stored first, then in BATON_SECRET_<NAME>, then in <NAME>');
    expect(list.stdout).not.toContain(VALUE);
    const json = baton(['secrets', 'list', '--json', ...d]);
    expect(JSON.parse(json.stdout).secrets).toContainEqual(
      expect.objectContaining({ name: 'openai.key', source: 'stored' }),
    );
    expect(json.stdout).not.toContain(VALUE);

    expect(baton(['secrets', 'rm', 'openai.key', ...d]).stdout).toBe('Removed secret openai.key\n');
    const again = baton(['secrets', 'rm', 'openai.key', ...d]);
    expect(again.code).toBe(1);
    expect(again.stdout).toBe('No secret openai.key is stored\n');
  });

  it('refuses a bad name before asking for the value, and an empty value', () => {
    const d = ['--data-dir', dir];
    const bad = baton(['secrets', 'set', 'not a name', ...d], VALUE);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe('baton: secret name "not a name" may contain only letters, digits and _ . -\n');
    const empty = baton(['secrets', 'set', 'x', ...d], '');
    expect(empty.code).toBe(2);
    expect(empty.stderr).toContain('no value given for x');
    expect(baton(['secrets', 'set', ...d]).stderr).toContain('usage: baton secrets list');
  });

  it('sets a secret through the host serving the data directory, which uses it at once', async () => {
    const serve = await startServe(dir, 0);
    stops.push(serve.stop);
    const d = ['--data-dir', dir];
    expect(baton(['secrets', 'set', 'hook_key', ...d], VALUE).stdout).toContain('Set secret hook_key');
    const added = baton([
      'webhooks',
      'add',
      '--url',
      'http://127.0.0.1:9/hook',
      '--event',
      'run.ended',
      '--secret',
      'hook_key',
      ...d,
    ]);
    expect(added.stderr).toBe('');
    expect(added.stdout).toMatch(/^Added webhook/);
    expect(baton(['secrets', 'list', ...d]).stdout).toMatch(
      /hook_key\s+Stored by Baton, not encrypted\s+webhook wh/,
    );
  });
});

describe('readSecretValue', () => {
  it('at a terminal, reads a line without showing it; Backspace edits', async () => {
    const stdin = Object.assign(new PassThrough(), {
      isTTY: true,
      setRawMode: () => stdin,
    }) as unknown as NodeJS.ReadStream & PassThrough;
    const out = new PassThrough() as unknown as NodeJS.WriteStream & PassThrough;
    let shown = '';
    out.on('data', (c: Buffer) => (shown += c.toString()));
    const value = readSecretValue('api.key', stdin, out);
    stdin.write('hunter3\u007f2');
    stdin.write('\r');
    expect(await value).toBe('hunter2');
    expect(shown).toBe('Value of api.key (not shown): \n');
  });

  it('gives up on Ctrl+C without a value', async () => {
    const stdin = Object.assign(new PassThrough(), {
      isTTY: true,
      setRawMode: () => stdin,
    }) as unknown as NodeJS.ReadStream & PassThrough;
    const out = new PassThrough() as unknown as NodeJS.WriteStream & PassThrough;
    const value = readSecretValue('api.key', stdin, out);
    stdin.write('abc\u0003');
    await expect(value).rejects.toThrow('nothing stored');
  });
});
