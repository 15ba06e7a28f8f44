/** Time left, or since, as a person says it: "42 s", "12 min", "3 h 5 min", "2 days". */
export function formatDuration(ms: number): string {
  const seconds = Math.round(Math.abs(ms) / 1000);
  if (seconds < 60) {
    return `${seconds} s`;
  }
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) {
    return `${minutes} min`;
  }
  const hours = Math.floor(minutes / 60);
  if (hours < 48) {
    const rest = minutes % 60;
    return rest === 0 ? `${hours} h` : `${hours} h ${rest} min`;
  }
  return `${Math.round(hours / 24)} days`;
}

/** "expires in 12 min", "expired 3 min ago", or "expiry unknown". */
export function describeExpiry(expiresAt: number | undefined, now: number): string {
  if (expiresAt === undefined) {
    return 'expiry unknown';
  }
  const left = expiresAt - now;
  return left > 0 ? `expires in ${formatDuration(left)}` : `expired ${formatDuration(left)} ago`;
}
