/**
 * An instant as a list shows it: how long ago (or how soon), in the words a person uses —
 * "just now", "5 min ago", "3 h ago", "2 days ago", "in 10 min" — and the calendar date once it
 * is a week or more away, when "43 days ago" says less than "Oct 10". The exact time goes in the
 * element's title (`exactTime`), so the list stays short and nothing is lost.
 */
export function relativeTime(at: string | number | Date, now: number, locale?: string): string {
  const t = instant(at);
  if (t === null) return '—';
  const diff = now - t;
  const ago = diff >= 0;
  const s = Math.abs(diff) / 1000;
  if (s < 45) return 'just now';
  const say = (n: number, unit: string) => (ago ? `${n} ${unit} ago` : `in ${n} ${unit}`);
  const min = Math.max(1, Math.round(s / 60));
  if (min < 60) return say(min, 'min');
  const h = Math.floor(min / 60);
  if (h < 24) return say(h, 'h');
  const days = Math.floor(h / 24);
  if (days < 7) return say(days, days === 1 ? 'day' : 'days');
  const d = new Date(t);
  const sameYear = d.getFullYear() === new Date(now).getFullYear();
  return d.toLocaleDateString(
    locale,
    sameYear ? { month: 'short', day: 'numeric' } : { dateStyle: 'medium' },
  );
}

/** The exact instant, to the second, for a title beside a relative time. */
export function exactTime(at: string | number | Date, locale?: string): string {
  const t = instant(at);
  if (t === null) return '';
  return new Date(t).toLocaleString(locale, { dateStyle: 'medium', timeStyle: 'medium' });
}

function instant(at: string | number | Date): number | null {
  const t = at instanceof Date ? at.getTime() : typeof at === 'number' ? at : Date.parse(at);
  return Number.isFinite(t) ? t : null;
}
