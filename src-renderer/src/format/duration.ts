/** A duration as a person reads it: 850 ms, 35.2 s, 4 min 05 s, 2 h 07 min. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const s = Math.round(ms / 1000);
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
  const m = Math.round(s / 60);
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')} min`;
}

/** The time between two ISO 8601 instants. */
export const durationBetween = (from: string, to: string): string =>
  formatDuration(Date.parse(to) - Date.parse(from));
