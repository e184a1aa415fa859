import { statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { http } from '../../test/kit/host-kit.ts';
import type { OffDeskBaton } from '../../test/kit/off-desk-kit.ts';
import { offDeskBaton } from '../../test/kit/off-desk-kit.ts';
import { post } from '../../test/kit/people-kit.ts';
import { LINK_KEY_FILE } from '../app/create-app.ts';

/**
 * One-time links in notifications, over the real browser host and a real SQLite file: a link
 * Baton signed for one approval and one person opens that approval once, read-only; a second
 * opening, another person's session, an expired or a forged link are refused; deciding needs the
 * person's own session, never the link.
 */
describe('one-time links to an approval', () => {
  let b: OffDeskBaton;
  let mia: { id: string; cookie: string };
  let bea: { id: string; cookie: string };
  let gate: string;
  const open = (link: string, cookie?: string) => post(b.port, '/auth/link', { link }, b.page(cookie));

  beforeAll(async () => {
    b = await offDeskBaton();
    mia = await b.join('Mia', 'member');
    bea = await b.join('Bea', 'member');
    gate = await b.gate('Deploy to production');
  });
  afterAll(() => b?.stop());

  it('opens once, read-only, for its person; a second opening is refused', async () => {
    const link = b.app.people.links.mint(gate, mia.id);
    const first = await open(link);
    expect(first.status, first.body).toBe(200);
    const opened = JSON.parse(first.body) as {
      approval: { id: string; status: string; task_description: string };
      person: { name: string };
      signed_in: boolean;
    };
    expect(opened).toMatchObject({
      approval: { id: gate, status: 'pending', task_description: 'Deploy to production' },
      person: { name: 'Mia' },
      signed_in: false,
    });
    // Opened, it sets no cookie and proves nobody: the API is still closed to this browser.
    expect(first.headers['set-cookie']).toBeUndefined();
    const again = await open(link);
    expect(again.status).toBe(409);
    expect(again.body).toContain('opened already');
    // Even by Mia herself.
    expect((await open(link, mia.cookie)).status).toBe(409);
  });

  it('says so when the person it is for opens it signed in', async () => {
    const opened = await open(b.app.people.links.mint(gate, mia.id), mia.cookie);
    expect(opened.status).toBe(200);
    expect(JSON.parse(opened.body)).toMatchObject({ signed_in: true, person: { name: 'Mia' } });
  });

  it("is refused to another person's session, and stays unopened for its own person", async () => {
    const link = b.app.people.links.mint(gate, mia.id);
    const byBea = await open(link, bea.cookie);
    expect(byBea.status).toBe(403);
    expect(byBea.body).toContain('this link is for Mia; you are signed in as Bea');
    expect((await open(link, mia.cookie)).status).toBe(200);
  });

  it('is refused once expired, and when Baton did not sign it', async () => {
    const expired = await open(b.app.people.links.mint(gate, mia.id, -1_000));
    expect(expired.status).toBe(410);
    const link = b.app.people.links.mint(gate, mia.id);
    const dot = link.lastIndexOf('.');
    // Another approval, another person, a later expiry: any change breaks the signature.
    const claims = JSON.parse(Buffer.from(link.slice(4, dot), 'base64url').toString()) as Record<
      string,
      unknown
    >;
    const forgedBody = `bpl_${Buffer.from(JSON.stringify({ ...claims, p: bea.id })).toString('base64url')}`;
    const forged = await open(`${forgedBody}${link.slice(dot)}`);
    expect(forged.status).toBe(404);
    expect((await open(`${link.slice(0, -3)}abc`)).status).toBe(404);
    // Changed in any character, or with more after it: refused (base64url's decoder had skipped
    // what is not its alphabet, and the last character's spare bits).
    const last = link.at(-1)!;
    const sibling = 'AEIMQUYcgkosw048'.includes(last) ? String.fromCharCode(last.charCodeAt(0) + 1) : 'A';
    for (const changed of [`${link}!!`, `${link}=`, `${link} `, `${link.slice(0, -1)}${sibling}`])
      expect((await open(changed)).status, changed.slice(-4)).toBe(404);
    expect((await open('bpl_nonsense')).status).toBe(404);
    // The real one still opens: the forgeries used nothing up.
    expect((await open(link)).status).toBe(200);
  });

  it('comes from a page of this Baton only, and decides nothing', async () => {
    const link = b.app.people.links.mint(gate, mia.id);
    // No CSRF header, or another site's Origin: refused before the link is looked at.
    const foreign = await http(b.port, '/auth/link', {
      method: 'POST',
      headers: { Origin: 'https://evil.example', 'X-Baton-Request': '1', 'Content-Type': 'application/json' },
      body: JSON.stringify({ link }),
    });
    expect(foreign.status).toBe(403);
    expect((await open(link)).status).toBe(200);
    // The link is no credential for the API.
    const decide = await http(b.port, '/api/rpc/approvals.decide', {
      method: 'POST',
      headers: { ...b.page(), Authorization: `Bearer ${link}` },
      body: JSON.stringify({ approval_id: gate, decision: 'approve', actor: 'Mia' }),
    });
    expect(decide.status).toBe(401);
    expect(b.approval(gate).status).toBe('pending');
  });

  it('signs with a key kept in the data directory, readable by its user only', () => {
    expect(statSync(join(b.dir, LINK_KEY_FILE)).mode & 0o777).toBe(0o600);
  });
});
