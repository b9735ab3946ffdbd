import type { Lease, Leases } from './event-store.port.js';

/** The leases held at `now`: each app holds one while it runs, so a store with live ones is in use. */
export async function liveLeases(store: Leases, now: number): Promise<Lease[]> {
  return (await store.readLeases('')).filter((lease) => isLive(lease, now));
}

export const isLive = (lease: Lease, now: number): boolean => lease.expiresAt > now;
