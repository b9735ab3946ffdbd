import { CLIENT_STREAM_PREFIX, REFUSED_STREAM_PREFIX } from '#libs/presence';
import { DELIVERY_STREAM_PREFIX } from '#libs/notifications';
import { variable } from './env-values.js';

/**
 * The streams whose events retention removes (SPEC §9): presence (a client's events, refused connections) and
 * delivery outcomes. Every other stream (control plane, redelivery requests) is kept forever. Every app opens its
 * store with this one list, so all processes agree on what may disappear.
 */
export const EXPIRING_STREAM_PREFIXES: readonly string[] = [
  CLIENT_STREAM_PREFIX,
  REFUSED_STREAM_PREFIX,
  DELIVERY_STREAM_PREFIX,
];

const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
/** A year: beyond it a typo (`30000d`) is more likely than intent. */
const MAX_MS = 366 * UNIT_MS.d;

/** EVENT_RETENTION: `30d`, `12h`, `15m`, `30s`, or `off` (kept forever); in milliseconds, undefined when off. */
export const retentionDuration = (name: string) =>
  variable('7d', (value, refuse) => {
    if (value.toLowerCase() === 'off') return undefined;
    const match = /^([1-9]\d*)([smhd])$/.exec(value);
    const ms = match ? Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS] : NaN;
    if (!match)
      refuse(
        'duration',
        `${name}="${value}" is not a duration: a whole number and a unit (30d, 12h, 15m, 30s), or off`,
      );
    if (ms > MAX_MS)
      refuse('max', `${name}="${value}" is longer than 366d: set ${name} to 366d or less, or off`);
    return ms;
  })(name);
