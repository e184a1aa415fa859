import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BatonApp, createApp } from '../app/create-app.ts';
import { passwordsAvailable } from './passwords.ts';

/**
 * A browser's session cookie may be a copy. Whoever holds one must not make the account theirs by
 * setting its password: a change needs the current password, a first password a recent sign-in.
 * At this machine (the app, the launch token) neither is asked.
 */
describe.skipIf(!passwordsAvailable)('setting a password over a session', () => {
  let dir: string;
  let app: BatonApp;
  let t = Date.parse('2026-11-29T10:00:00Z');
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'baton-password-'));
    app = createApp({ dataDir: dir, log: () => {}, clock: { now: () => t } });
  });
  afterAll(async () => {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('asks for the current password to change one, and refuses a wrong one', async () => {
    const owner = app.people.setupOwner('Olive');
    await app.people.setPassword(owner, 'first-long-password');
    const session = `s-${t}`;
    app.people.sessions.start(owner.id, session);
    await expect(
      app.people.setPassword(owner, 'thief-long-password', { session_id: session }),
    ).rejects.toThrow('current_password: your current password is needed');
    await expect(
      app.people.setPassword(owner, 'thief-long-password', {
        session_id: session,
        current_password: 'a-guess-of-it',
      }),
    ).rejects.toThrow('current_password: not your current password');
    expect((await app.people.signIn('Olive', 'thief-long-password', '127.0.0.1')).ok).toBe(false);
    await app.people.setPassword(owner, 'second-long-password', {
      session_id: session,
      current_password: 'first-long-password',
    });
    expect((await app.people.signIn('Olive', 'second-long-password', '127.0.0.1')).ok).toBe(true);
    // At this machine (no session) the owner sets it without the old one.
    await app.people.setPassword(owner, 'third-long-password');
    expect((await app.people.signIn('Olive', 'third-long-password', '127.0.0.1')).ok).toBe(true);
  });

  it('locks the change after repeated wrong current passwords', async () => {
    const owner = app.people.list().find((p) => p.name === 'Olive')!;
    const session = `s2-${t}`;
    app.people.sessions.start(owner.id, session);
    const wrong = () =>
      app.people.setPassword(owner, 'thief-long-password', { session_id: session, current_password: 'no' });
    for (let i = 0; i < 5; i++) await expect(wrong()).rejects.toThrow('not your current password');
    await expect(wrong()).rejects.toThrow('too many wrong tries');
  });

  it('sets a first password only within 15 minutes of signing in', async () => {
    const { secret } = app.people.invite(
      { person: null, role: 'owner', via: 'local', actor: 'owner' },
      'member',
      7,
    );
    const pat = app.people.join(secret, 'Pat', {
      passkey: { id: 'pk-pat', public_key: Buffer.from('a key'), counter: 0, transports: '' },
    });
    const session = `s3-${t}`;
    app.people.sessions.start(pat.id, session);
    t += 16 * 60_000;
    await expect(app.people.setPassword(pat, 'thief-long-password', { session_id: session })).rejects.toThrow(
      'within 15 minutes of signing in',
    );
    const fresh = `s4-${t}`;
    app.people.sessions.start(pat.id, fresh);
    t += 60_000;
    await app.people.setPassword(pat, 'pat-long-password', { session_id: fresh });
    expect((await app.people.signIn('Pat', 'pat-long-password', '127.0.0.1')).ok).toBe(true);
  });
});
