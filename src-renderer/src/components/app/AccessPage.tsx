import { useEffect } from 'react';
import type { AccessRefused } from '../../api/access.ts';

const PAGES = {
  no_token: {
    title: 'Baton needs its access link',
    text: 'This address has no access token, so Baton cannot tell it is you.',
  },
  bad_link: {
    title: 'This Baton link is not valid',
    text: 'The token in this link is not the one Baton is using: it was replaced since the link was printed (baton serve --new-token), or the link was copied wrong.',
  },
  session_ended: {
    title: 'This Baton session has ended',
    text: 'Baton’s access token was replaced (baton serve --new-token, or another BATON_TOKEN) since this tab opened, so its access is no longer valid. A restart alone keeps the token: open tabs go on.',
  },
} satisfies Record<AccessRefused, { title: string; text: string }>;

/** Browser mode without a usable token: what happened, and what to open instead. */
export function AccessPage({ why }: { why: AccessRefused }) {
  const page = PAGES[why];
  useEffect(() => {
    document.title = `${page.title} · Baton`;
  }, [page.title]);
  return (
    <main className="access-page">
      <h1>{page.title}</h1>
      <p>{page.text}</p>
      <p>
        Open the address <code>baton serve</code> printed last (it ends in <code>?token=…</code>). On the
        machine running Baton it is also in <code>server.json</code> in the data directory, beside{' '}
        <code>ui-token</code> (the token itself, readable by you alone); <code>baton serve --new-token</code>{' '}
        replaces it.
      </p>
    </main>
  );
}
