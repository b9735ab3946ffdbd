import { EventEmitter } from 'node:events';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Shuts a rocketmq-client-nodejs client down for good, then waits 300 ms: a proxy that cancels the telemetry stream
 * right after shutdown() crashes the process with an unhandled 'error' event (tech-notes §2.6).
 *
 * rocketmq-client-nodejs 1.0.8 aborts shutdown() when NotifyClientTermination fails (proxy down, or its gRPC
 * channel still in reconnect backoff) and then leaks its telemetry streams and channels, which keep the process
 * alive. So: retry for a few seconds, then release the leftovers by force.
 */
export async function shutdownClient(client) {
  for (let attempt = 1; ; attempt++) {
    try {
      await client.shutdown();
      break;
    } catch {
      if (attempt >= 5) {
        forceRelease(client);
        break;
      }
      await sleep(1_000);
    }
  }
  await sleep(300);
}

/** Closes the client's gRPC channels and stops its telemetry stream from being renewed (every 1 s otherwise). */
function forceRelease(client) {
  // A stream that never errors or ends, so TelemetrySession stops renewing.
  client.createTelemetryStream = () => Object.assign(new EventEmitter(), { write() {}, end() {} });
  client.rpcClientManager?.close();
}
