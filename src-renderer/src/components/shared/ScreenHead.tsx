import type { ReactNode } from 'react';

/**
 * A screen's head: its name, a line saying what it holds, and beside them what acts on the
 * whole screen (find, filters, Add…), given as children.
 */
export function ScreenHead({
  title,
  about,
  children,
}: {
  title: string;
  about: ReactNode;
  children?: ReactNode;
}) {
  return (
    <header className="plan-head">
      <div>
        <h1>{title}</h1>
        <p className="muted small">{about}</p>
      </div>
      {children}
    </header>
  );
}
