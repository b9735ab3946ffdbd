// The soak's checks of what the store holds and what its consumer received (bench/soak.mjs).
import { sleep } from './presence-deployment.mjs';

/** Waits until `done()` holds, at most `timeoutMs`; either way the soak goes on to check. */
export async function waitUntil(what, done, timeoutMs, log) {
  const deadline = Date.now() + timeoutMs;
  while (!(await done())) {
    if (Date.now() > deadline)
      return log(`${what}: not reached after ${timeoutMs / 1000} s, checking anyway`);
    await sleep(1_000);
  }
  log(`${what}: reached`);
}

/** Every event of the store that the filter keeps, in position order. */
export async function readAllOf(store, filter) {
  const events = [];
  for (let after = 0; ;) {
    const batch = await store.readAll(after, { filter, limit: 10_000 });
    events.push(...batch);
    if (batch.length < 10_000) return events;
    after = batch.at(-1).position;
  }
}

/** The store: each client's sequence is 1..n without a gap; every channel opened is closed once. */
export function checkStore(presence, log) {
  const streams = new Map();
  for (const event of presence) {
    if (!streams.has(event.data.clientId)) streams.set(event.data.clientId, []);
    streams.get(event.data.clientId).push(event);
  }
  let gaps = 0;
  let unclosedChannels = 0;
  let strayCloses = 0;
  for (const [clientId, events] of streams) {
    events.sort((a, b) => a.version - b.version);
    if (events.some((event, i) => event.version !== i + 1)) {
      gaps += 1;
      log(`store: ${clientId} has versions ${events.map((event) => event.version).join(',')}`);
    }
    const open = new Set();
    for (const event of events) {
      if (event.type === 'ClientConnected') open.add(event.data.channelId);
      else if (event.type === 'ClientConnectionClosed' && !open.delete(event.data.channelId))
        strayCloses += 1;
    }
    unclosedChannels += open.size;
  }
  return { streams, gaps, unclosedChannels, strayCloses };
}

/**
 * Delivery: at least once, first arrivals in seq order per client, duplicates with the same notification ID.
 * `expected`: the stored presence events by notification ID; `received`: what the soak's consumer got.
 */
export function checkDelivery(received, expected, log) {
  const arrivals = new Map();
  let duplicates = 0;
  let redelivered = 0;
  let mismatched = 0;
  let unexpected = 0;
  const seenMessageIds = new Set();
  const latencies = [];
  for (const message of received) {
    const event = expected.get(message.notificationId);
    if (!event) {
      unexpected += 1;
      continue;
    }
    if (event.version !== message.seq || event.data.clientId !== message.clientId) {
      mismatched += 1;
      log(
        `mismatch: ${message.notificationId} arrived as ${message.clientId} seq ${message.seq}, stored as seq ${event.version}`,
      );
    }
    const first = arrivals.get(message.clientId) ?? { ids: new Map(), seqs: [] };
    arrivals.set(message.clientId, first);
    if (first.ids.has(message.seq)) {
      // Same message ID: RocketMQ gave an unacked message again; another: dispatch sent it again.
      if (seenMessageIds.has(message.messageId)) redelivered += 1;
      else duplicates += 1;
      if (first.ids.get(message.seq) !== message.notificationId) mismatched += 1;
    } else {
      first.ids.set(message.seq, message.notificationId);
      first.seqs.push(message.seq);
      latencies.push(message.at - event.data.time);
    }
    seenMessageIds.add(message.messageId);
  }
  const receivedIds = new Set(received.map((message) => message.notificationId));
  const lost = [...expected.keys()].filter((id) => !receivedIds.has(id));
  for (const id of lost.slice(0, 20)) {
    const event = expected.get(id);
    log(`lost: ${id} (${event.data.clientId} seq ${event.version} ${event.type} ${event.data.reason})`);
  }
  let orderViolations = 0;
  for (const [clientId, { seqs }] of arrivals) {
    const outOfOrder = seqs.some((seq, i) => i > 0 && seq < seqs[i - 1]);
    if (outOfOrder) {
      orderViolations += 1;
      if (orderViolations <= 20) log(`order: ${clientId} first arrivals ${seqs.join(',')}`);
    }
  }
  return { duplicates, redelivered, mismatched, unexpected, latencies, lost, orderViolations, receivedIds };
}
