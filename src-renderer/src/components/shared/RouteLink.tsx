import type { AnchorHTMLAttributes, MouseEvent } from 'react';
import { hrefOf } from '../../routes/address.ts';
import { navigate } from '../../routes/history-sync.ts';
import type { Route } from '../../routes/routes.ts';

type Props = Omit<AnchorHTMLAttributes<HTMLAnchorElement>, 'href'> & { to: Route };

/**
 * A link to a screen or a selection: a real `<a href>` (middle-click, "open in new tab" and
 * "copy link" work), which a plain left click opens in this page without loading it again.
 */
export function RouteLink({ to, onClick, ...rest }: Props) {
  return (
    <a
      {...rest}
      href={hrefOf(to)}
      onClick={(e) => {
        onClick?.(e);
        if (e.defaultPrevented || !plainClick(e)) return;
        e.preventDefault();
        void navigate(to);
      }}
    />
  );
}

/** A left click without a key that asks for another tab or window. */
const plainClick = (e: MouseEvent) => e.button === 0 && !e.metaKey && !e.ctrlKey && !e.shiftKey && !e.altKey;
