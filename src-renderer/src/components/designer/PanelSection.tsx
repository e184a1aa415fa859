import type { ReactNode } from 'react';
import { useEffect, useState } from 'react';

/**
 * A collapsible group of the designer panel's advanced fields. It starts open when it holds
 * something, and opens by itself when a problem appears inside it.
 */
export function PanelSection(props: {
  title: string;
  /** What the section holds, in a few words, shown beside its title. */
  summary: string;
  hasValue: boolean;
  error: boolean;
  children: ReactNode;
}) {
  const [open, setOpen] = useState(props.hasValue || props.error);
  useEffect(() => {
    if (props.error) setOpen(true);
  }, [props.error]);
  return (
    <details
      className="panel-section"
      aria-label={props.title}
      open={open}
      onToggle={(e) => setOpen(e.currentTarget.open)}
    >
      <summary>
        <span className="panel-section-title">{props.title}</span>
        <span className="panel-section-summary" title={props.summary}>
          {props.summary}
        </span>
        {props.error && <span className="pill status-failed">to fix</span>}
      </summary>
      <div className="panel-section-body">{props.children}</div>
    </details>
  );
}
