// The soak's faults (bench/soak.mjs): RocketMQ's broker and each app stopped and started again, one at a time.
import { sleep } from './presence-deployment.mjs';

const uniform = (min, max) => min + Math.random() * (max - min);

/**
 * Injects a fault every `every` [min, max] seconds until 20 s before `endAt`, each kind once per round in a random
 * order; RocketMQ stays down `outage` [min, max] seconds. `done` resolves when the last one is over.
 */
export function startFaults({ rocketmq, apps, endAt, every, outage, log }) {
  const [FAULT_MIN_S, FAULT_MAX_S] = every;
  const [OUTAGE_MIN_S, OUTAGE_MAX_S] = outage;
  const faults = [];
  const restart = async (app, signal) => {
    await app.stop(signal);
    await sleep(uniform(1_000, 5_000));
    for (let attempt = 1; ; attempt++) {
      try {
        return await app.start();
      } catch (error) {
        log(`${app.name} did not start (attempt ${attempt}): ${error.message}`);
        if (attempt >= 5) throw error;
        await sleep(2_000);
      }
    }
  };
  const FAULTS = {
    rocketmq: async () => {
      const signal = Math.random() < 0.5 ? 'SIGTERM' : 'SIGKILL';
      const stopMs = await rocketmq.stopBroker(signal);
      const down = uniform(OUTAGE_MIN_S, OUTAGE_MAX_S);
      await sleep(down * 1000);
      const startMs = await rocketmq.startBroker();
      return `RocketMQ broker ${signal} (stopped in ${(stopMs / 1000).toFixed(1)} s), down ${down.toFixed(0)} s more, started in ${(startMs / 1000).toFixed(1)} s`;
    },
    dispatch: async () => (await restart(apps.dispatch, 'SIGKILL'), 'rocketmq-dispatch SIGKILL, restarted'),
    presence: async () => (await restart(apps.presence, 'SIGKILL'), 'presence-ingest SIGKILL, restarted'),
    ruleManager: async () => {
      const signal = Math.random() < 0.5 ? 'SIGTERM' : 'SIGKILL';
      await restart(apps.ruleManager, signal);
      return `rule-manager ${signal}, restarted`;
    },
  };
  const faulting = (async () => {
    let bag = [];
    for (;;) {
      const wait = uniform(FAULT_MIN_S, FAULT_MAX_S) * 1000;
      if (Date.now() + wait > endAt - 20_000) return;
      await sleep(wait);
      if (bag.length === 0) bag = Object.keys(FAULTS).sort(() => Math.random() - 0.5);
      const kind = bag.pop();
      const started = Date.now();
      log(`fault: ${kind} …`);
      const what = await FAULTS[kind]();
      faults.push({ at: new Date(started).toISOString(), kind, what });
      log(`fault: ${what} (${((Date.now() - started) / 1000).toFixed(0)} s)`);
    }
  })();
  return { faults, kinds: Object.keys(FAULTS), done: faulting };
}
