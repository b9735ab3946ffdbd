// When each connect event becomes visible in the store: a reader polling it every 2 ms records, per client, the
// time from the event (the broker's CONNACK) to its first read (its error is at most that poll).
import { sleep } from './presence-deployment.mjs';

export async function startStoredReader(store) {
  const seen = new Map();
  let after = await store.headPosition();
  let reading = true;
  const loop = (async () => {
    while (reading) {
      const now = Date.now();
      for (const event of await store.readAll(after, {
        filter: { types: ['ClientConnected'] },
        limit: 5000,
      })) {
        seen.set(event.data.clientId, now - event.data.time);
        after = event.position;
      }
      await sleep(2);
    }
  })();
  return {
    /**
     * Waits until `count` connects were seen (or `timeoutMs` passed: the missing ones never were stored), stops,
     * and returns their CONNACK → stored latencies in ms.
     */
    async latencies(count, timeoutMs = Number.POSITIVE_INFINITY) {
      const deadline = Date.now() + timeoutMs;
      while (seen.size < count && Date.now() < deadline) await sleep(20);
      reading = false;
      await loop;
      return [...seen.values()];
    },
  };
}
