import { useMemo } from 'react';

/** The zone this browser is in; UTC when it cannot tell. */
export function browserZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  } catch {
    return 'UTC';
  }
}

/** Every IANA zone the browser knows, by region (Africa, America, …), with UTC on its own first. */
function zonesByRegion(): [string, string[]][] {
  let all: string[];
  try {
    all = Intl.supportedValuesOf('timeZone');
  } catch {
    all = [];
  }
  const regions = new Map<string, string[]>();
  for (const z of all) {
    if (z === 'UTC') continue;
    const region = z.includes('/') ? z.slice(0, z.indexOf('/')) : 'Other';
    regions.set(region, [...(regions.get(region) ?? []), z]);
  }
  return [['', ['UTC']], ...[...regions.entries()].sort(([a], [b]) => a.localeCompare(b))];
}

/**
 * A schedule's time zone, picked from the IANA zones the browser knows, grouped by region; a zone
 * the browser does not list (one stored before, an alias) is kept as an option of its own.
 */
export function TimeZoneField({
  value,
  onChange,
  error,
}: {
  value: string;
  onChange(zone: string): void;
  error?: string | undefined;
}) {
  const groups = useMemo(zonesByRegion, []);
  const listed = groups.some(([, zones]) => zones.includes(value));
  return (
    <label>
      Time zone
      <select
        value={value}
        aria-label="Time zone"
        aria-invalid={error ? true : undefined}
        onChange={(e) => onChange(e.target.value)}
      >
        {!listed && <option value={value}>{value}</option>}
        {groups.map(([region, zones]) =>
          region === '' ? (
            zones.map((z) => (
              <option key={z} value={z}>
                {z}
              </option>
            ))
          ) : (
            <optgroup key={region} label={region}>
              {zones.map((z) => (
                <option key={z} value={z}>
                  {z.replace(/_/g, ' ')}
                </option>
              ))}
            </optgroup>
          ),
        )}
      </select>
      <span className="field-message">
        {!error && (
          <span className="field-hint">the cron’s hours are this zone’s, daylight saving included</span>
        )}
        <span className="field-error">{error}</span>
      </span>
    </label>
  );
}
