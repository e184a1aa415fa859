import type { ReactNode } from 'react';
import { useEffect, useState } from 'react';

/**
 * A form's optional fields, folded under a summary that names them; open at first when one of
 * them holds a value (an agent being edited, a CLI registered with its program), and opened by
 * itself when one of them has an error, so an error is never hidden.
 */
export function MoreFields({
  summary,
  filled,
  hasError,
  children,
}: {
  summary: string;
  filled: boolean;
  hasError: boolean;
  children: ReactNode;
}) {
  const [open, setOpen] = useState(filled || hasError);
  useEffect(() => {
    if (hasError || filled) setOpen(true);
  }, [hasError, filled]);
  return (
    <details className="more-fields" open={open} onToggle={(e) => setOpen(e.currentTarget.open)}>
      <summary>{summary}</summary>
      <div className="fields">{children}</div>
    </details>
  );
}
