import { useEffect } from 'react';
import type { AccessRefused } from '../../api/access.ts';

const PAGES = {
  no_token: {
    title: 'Baton needs its access link',
    text: 'This address has no access token, so Baton cannot tell it is you.',
  },
  bad_link: {
    title: 'This Baton link is not valid',
    text: 'The token in this link is not the one Baton is using: the host was restarted since the link was printed, or the link was copied wrong.',
  },
  session_ended: {
    title: 'This Baton session has ended',
    text: 'The host was restarted or the link is old, so this tab’s access is no longer valid.',
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
        Open the address <code>baton serve</code> printed (it ends in <code>?token=…</code>).
      </p>
    </main>
  );
}
