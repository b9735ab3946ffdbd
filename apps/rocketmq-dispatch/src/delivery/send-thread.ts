/*
 * The worker thread that talks to RocketMQ, over gRPC or the remoting protocol (RocketmqProducers, one sender per
 * instance of either kind). The gRPC client (one unary call per message, HTTP/2 framing, protobuf) was ~40% of
 * dispatch's event loop at full speed; here it runs on the other core, and the main thread keeps the store, the lanes and the outcomes. Messages in: `{ id, instance, runs }`, out: `{ id, results }` (per
 * notification of each run) or `{ log, message }`.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { Notification } from '#libs/notifications';
import { CredentialsCipher } from '#libs/credentials';
import { RocketmqProducers } from '#libs/rocketmq';
import type { RocketmqInstance } from '#libs/rules';
import { sendRuns } from './send-runs.js';

export interface SendThreadData {
  mqttInstanceId: string;
  credentials: { credentialsKey?: string; dataDir: string };
}

export type SendRequest = { id: number; instance: RocketmqInstance; runs: Notification[][] } | 'shutdown';

const port = parentPort!;
const { mqttInstanceId, credentials } = workerData as SendThreadData;
const cipher = CredentialsCipher.fromConfig(credentials);
const producers = new RocketmqProducers((ciphertext) => cipher.decrypt(ciphertext), {
  log: (message) => port.postMessage({ log: 'log', message }),
  debug: (message) => port.postMessage({ log: 'debug', message }),
});

port.on('message', (request: SendRequest) => {
  if (request === 'shutdown') {
    void producers.shutdown().finally(() => port.close());
    return;
  }
  const { id, instance, runs } = request;
  void sendRuns(producers, instance, runs, mqttInstanceId).then((results) =>
    port.postMessage({ id, results }),
  );
});
