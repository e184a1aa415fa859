/** Two digits. */
const pad = (n: number) => String(n).padStart(2, '0');

/**
 * A deadline as a date-time picker holds it (local time, to the minute), or '' when the stored
 * text is not a date-time the picker can show.
 */
export function localInputOf(iso: string | undefined): string {
  if (!iso) return '';
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return '';
  const d = new Date(t);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** A picked local date-time as the plan stores a deadline (ISO 8601 in UTC, to the second); undefined when cleared. */
export function deadlineOf(local: string): string | undefined {
  if (!local) return undefined;
  const t = new Date(local).getTime();
  if (Number.isNaN(t)) return undefined;
  return new Date(t).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
