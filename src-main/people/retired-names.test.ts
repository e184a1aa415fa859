import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallContext } from '../../src-shared/contract/caller.ts';
import { type BatonApp, createApp } from '../app/create-app.ts';

/**
 * Plans, tasks and workspaces name their approvers by name. A person removed from this Baton must
 * not be replaced by a newcomer joining under the same name: the newcomer would decide what the
 * removed approver was trusted to.
 */
describe("a removed person's name", () => {
  let dir: string;
  let app: BatonApp;
  const owner: CallContext = { person: null, role: 'owner', via: 'local', actor: 'owner' };
  const passkey = (id: string) => ({
    passkey: { id, public_key: Buffer.from('a key'), counter: 0, transports: '' },
  });
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'baton-retired-'));
    app = createApp({ dataDir: dir, log: () => {} });
    app.people.setupOwner('Olive');
  });
  afterAll(async () => {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('is not taken again, whatever its case, so plans naming them do not pass to a newcomer', () => {
    const bob = app.people.join(app.people.invite(owner, 'member', 7).secret, 'Bob', passkey('pk-bob'));
    expect(app.people.remove(owner, bob.id)).toBe(true);
    const invite = app.people.invite(owner, 'member', 7).secret;
    for (const name of ['Bob', 'bob', 'BOB'])
      expect(() => app.people.join(invite, name, passkey(`pk-${name}`))).toThrow(
        `name: "${name}" was a removed person's name`,
      );
    // The refused join used nothing: the same invitation still takes another name.
    expect(app.people.join(invite, 'Robert', passkey('pk-robert')).name).toBe('Robert');
    expect(app.people.list().map((p) => p.name)).not.toContain('Bob');
  });
});
