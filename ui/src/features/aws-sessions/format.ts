// The session dialog's pure parts: the session lengths offered and the time-left text. No DOM,
// no IPC, so the unit tests import this alone.

/** Session lengths; 0 leaves it to the profile's duration_seconds, else AWS's default. */
export const DURATIONS: [number, string][] = [
  [0, "The profile's setting (AWS default: 12 h, roles 1 h)"],
  [900, '15 minutes'],
  [1800, '30 minutes'],
  [3600, '1 hour'],
  [7200, '2 hours'],
  [14400, '4 hours'],
  [28800, '8 hours'],
  [43200, '12 hours'],
];

/** `1 h 02 min 05 s`-style time left. */
export function formatLeft(secs: number): string {
  if (secs <= 0) return 'expired';
  const hh = Math.floor(secs / 3600);
  const mm = Math.floor((secs % 3600) / 60);
  const ss = Math.floor(secs % 60);
  const p = (n: number) => String(n).padStart(2, '0');
  return hh > 0 ? `${hh} h ${p(mm)} min ${p(ss)} s` : `${mm} min ${p(ss)} s`;
}
