import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OffDeskBaton } from '../../test/kit/off-desk-kit.ts';
import { offDeskBaton } from '../../test/kit/off-desk-kit.ts';
import { cookieOf, post, rpc } from '../../test/kit/people-kit.ts';
import { softPasskey } from '../../test/kit/soft-passkey.ts';

/**
 * A copied session (its cookie and its page's key) must not make a passkey person's account its
 * holder's: adding a passkey, removing one and making a token are done within 15 minutes of
 * signing in, as a first password is. A copy of an older session added its own passkey, removed
 * the person's, and the person was locked out.
 */
describe('changing how a passkey person signs in, over a session', () => {
  let b: OffDeskBaton;
  let t = Date.now();
  const pats = softPasskey('pat-own-key');
  const thiefs = softPasskey('thief-key');
  beforeAll(async () => {
    b = await offDeskBaton({ clock: { now: () => t } });
  });
  afterAll(() => b?.stop());
  const origin = () => `http://127.0.0.1:${b.port}`;

  it('is refused past 15 minutes after signing in: no passkey added or removed, no token made', async () => {
    const { result } = await rpc(b.port, 'people.invite', { role: 'member' }, b.owner);
    const invite = (result as { value: { secret: string } }).value.secret;
    const o = await post(b.port, '/auth/join/passkey/options', { invite, name: 'Pat' }, b.page());
    expect(o.status).toBe(200);
    const { ceremony, options } = JSON.parse(o.body) as { ceremony: string; options: { challenge: string } };
    const joined = await post(
      b.port,
      '/auth/join/passkey',
      { ceremony, response: pats.register(options.challenge, origin(), '127.0.0.1') },
      b.page(),
    );
    expect(joined.status, joined.body).toBe(201);
    const copied = cookieOf(joined); // the thief's copy (its cookie and its page's key)
    // Begun while the session is fresh, a passkey's ceremony is still refused at its end.
    const begun = await post(b.port, '/auth/passkey/add/options', {}, b.page(copied));
    expect(begun.status, begun.body).toBe(200);

    t += 16 * 60_000;
    expect(
      (await rpc(b.port, 'people.setPassword', { password: 'thief-long-password' }, b.page(copied))).status,
    ).toBe(403);
    const ao = await post(b.port, '/auth/passkey/add/options', {}, b.page(copied));
    expect(ao.status).toBe(403);
    expect(ao.body).toContain('adding a passkey is done within 15 minutes of signing in');
    const add = JSON.parse(begun.body) as { ceremony: string; options: { challenge: string } };
    const added = await post(
      b.port,
      '/auth/passkey/add',
      { ceremony: add.ceremony, response: thiefs.register(add.options.challenge, origin(), '127.0.0.1') },
      b.page(copied),
    );
    const removed = await rpc(b.port, 'people.removePasskey', { passkey_id: pats.id }, b.page(copied));
    const token = await rpc(b.port, 'people.createToken', { name: 'mine now' }, b.page(copied));
    const signIn = async (key: ReturnType<typeof softPasskey>) => {
      const so = await post(b.port, '/auth/passkey/options', {}, b.page());
      const s = JSON.parse(so.body) as { ceremony: string; options: { challenge: string } };
      return (
        await post(
          b.port,
          '/auth/passkey/sign-in',
          { ceremony: s.ceremony, response: key.assert(s.options.challenge, origin(), '127.0.0.1') },
          b.page(),
        )
      ).status;
    };
    const patCan = await signIn(pats);
    const thiefCan = await signIn(thiefs);
    expect({ added: added.status, removed: removed.status, token: token.status, patCan, thiefCan }).toEqual({
      added: 403,
      removed: 403,
      token: 403,
      patCan: 200,
      thiefCan: 401,
    });
  });

  it('refuses a ceremony begun for a sign-in at a join, as a bad passkey, not a 500', async () => {
    const so = await post(b.port, '/auth/passkey/options', {}, b.page());
    const s = JSON.parse(so.body) as { ceremony: string; options: { challenge: string } };
    const other = softPasskey('someone-else');
    const joined = await post(
      b.port,
      '/auth/join/passkey',
      { ceremony: s.ceremony, response: other.register(s.options.challenge, origin(), '127.0.0.1') },
      b.page(),
    );
    expect(joined.status, joined.body).toBe(400);
    expect(joined.body).toContain('the passkey could not be verified');
  });
});
