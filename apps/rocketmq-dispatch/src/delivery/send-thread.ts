/*
 * The worker thread that talks to RocketMQ. The gRPC client (one unary call per message, HTTP/2 framing,
 * protobuf) was ~40% of dispatch's event loop at full speed; here it runs on the other core, and the main thread
 * keeps the store, the lanes and the outcomes. Messages in: `{ id, instance, notification }`, out: `{ id, result }`
 * or `{ log, message }`.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { Notification } from '#libs/notifications';
import { CredentialsCipher } from '#libs/platform';
import { RocketmqProducers } from '#libs/rocketmq';
import type { RocketmqInstance } from '#libs/rules';
import { sendNotification } from './send-notification.js';

export interface SendThreadData {
  mqttInstanceId: string;
  credentials: { credentialsKey?: string; dataDir: string };
}

export type SendRequest = { id: number; instance: RocketmqInstance; notification: Notification } | 'shutdown';

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
  const { id, instance, notification } = request;
  void sendNotification(producers, instance, notification, mqttInstanceId).then((result) =>
    port.postMessage({ id, result }),
  );
});
