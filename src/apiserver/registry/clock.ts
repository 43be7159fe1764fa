/** Time as the registry sees it; injected so tests can control it (client-go's clock.Clock). */
export interface Clock {
  now(): Date;
}

export const realClock: Clock = { now: () => new Date() };

/** Kubernetes prints times as RFC 3339 with second precision: `2026-11-28T05:05:00Z`. */
export const timestamp = (d: Date): string => d.toISOString().replace(/\.\d{3}Z$/, 'Z');
