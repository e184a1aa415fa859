import { describe, expect, it } from 'vitest';
import { verifySlackRequest } from './verify.ts';

// Slack's own example ("Verifying requests from Slack", docs.slack.dev): its signing secret,
// timestamp, body, and the signature Slack says it carries.
const SECRET = '8f742231b10e8888abcd99yyyzzz85a5';
const TS = '1531420618';
const BODY =
  'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c';
const SIGNATURE = 'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503';
const AT = Number(TS) * 1000;

describe("Slack's request signature", () => {
  it("accepts Slack's documented example, within five minutes of its timestamp", () => {
    const v = verifySlackRequest(
      SECRET,
      { signature: SIGNATURE, timestamp: TS },
      Buffer.from(BODY),
      AT + 299_000,
    );
    expect(v).toEqual({ ok: true, signature: SIGNATURE });
  });

  it('refuses it stale, changed, signed otherwise or not at all', () => {
    const body = Buffer.from(BODY);
    const headers = { signature: SIGNATURE, timestamp: TS };
    expect(verifySlackRequest(SECRET, headers, body, AT + 301_000)).toMatchObject({ ok: false });
    expect(verifySlackRequest(SECRET, headers, body, AT - 301_000)).toMatchObject({ ok: false });
    expect(
      verifySlackRequest(SECRET, headers, Buffer.from(BODY.replace('roadrunner', 'coyote')), AT),
    ).toMatchObject({
      ok: false,
      why: 'the signature does not match',
    });
    expect(verifySlackRequest(`${SECRET}x`, headers, body, AT)).toMatchObject({ ok: false });
    expect(
      verifySlackRequest(SECRET, { signature: SIGNATURE, timestamp: '1531420619' }, body, AT),
    ).toMatchObject({
      ok: false,
    });
    expect(verifySlackRequest(SECRET, { signature: undefined, timestamp: TS }, body, AT)).toMatchObject({
      ok: false,
    });
    expect(verifySlackRequest(SECRET, { signature: 'v0=00', timestamp: TS }, body, AT)).toMatchObject({
      ok: false,
    });
    expect(verifySlackRequest(SECRET, { signature: SIGNATURE, timestamp: '1e9' }, body, AT)).toMatchObject({
      ok: false,
    });
  });
});
