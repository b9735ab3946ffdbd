import { Producer } from 'ali-ons';

type Client = Producer['_mqClient'];

/**
 * ali-ons runs its client's periodic work (route refresh, broker heartbeats, rebalance, offsets) as loops of
 * `while (inited) { await sleep(interval) }`: after close() each loop still holds a 5–30 s timer nobody can clear.
 * Called right after the Producer is made (its client starts on the next tick), this runs the same work on timers
 * that `stop` clears.
 */
export function stoppableSchedules(client: Client): { stop(): void } {
  const timers = new Set<NodeJS.Timeout>();
  let stopped = false;
  client.startScheduledTask = (name, interval, delay) => {
    const run = async () => {
      try {
        await (client[name] as () => Promise<void>)();
      } catch (error) {
        client.logger.error(error);
      }
      schedule(interval);
    };
    const schedule = (after: number) => {
      if (stopped) return;
      const timer = setTimeout(() => {
        timers.delete(timer);
        void run();
      }, after);
      timers.add(timer);
    };
    schedule(delay || interval);
  };
  return {
    stop() {
      stopped = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
    },
  };
}

/**
 * The first producer of a process also makes a process-wide inner producer (CLIENT_INNER_PRODUCER) on the same
 * client, with the same options: while it is registered, the client's close() does nothing (connections and
 * loops stay). It goes with the client it lives on; the next producer made makes a new one on its own client.
 */
export async function closeInnerProducerOf(client: Client): Promise<void> {
  const inner = Producer.defaultProducer;
  if (!inner || inner._mqClient !== client) return;
  Producer.defaultProducer = null;
  await inner.close();
}
