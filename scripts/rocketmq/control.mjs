// A loopback HTTP endpoint to stop and restart the proxy+broker of a running handle. Tests run in other
// contexts (jest VM contexts, worker processes) than the code that owns the JVMs, so they cannot call
// handle.stopBroker() themselves; they call this instead (test/support/rocketmq.ts: stopBroker/startBroker).
//
//   GET  /status                          { brokerRunning, grpcEndpoint, namesrv, pids }
//   POST /broker/stop[?signal=SIGKILL]    { ms }   SIGTERM (default) is a clean stop, SIGKILL a crash
//   POST /broker/start                    { ms }
import { writeFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';

import { DEFAULT_HOST } from './paths.mjs';

const SIGNALS = new Set(['SIGTERM', 'SIGKILL']);

/** Serves `handle` on 127.0.0.1 (random port). Resolves with { url, close() }. */
export async function serveControl(handle, { urlFile } = {}) {
  // One operation at a time: a start racing a stop would leave two brokers or none.
  let queue = Promise.resolve();
  const serialized = (operation) => (queue = queue.then(operation, operation));

  const routes = {
    'GET /status': async () => ({
      brokerRunning: handle.isBrokerRunning(),
      grpcEndpoint: handle.grpcEndpoint,
      namesrv: handle.namesrv,
      pids: handle.pids,
    }),
    'POST /broker/stop': (query) => {
      const signal = query.get('signal') ?? 'SIGTERM';
      if (!SIGNALS.has(signal)) throw new Error(`signal must be SIGTERM or SIGKILL, not ${signal}`);
      return serialized(async () => ({ ms: await handle.stopBroker({ signal }) }));
    },
    'POST /broker/start': () => serialized(async () => ({ ms: await handle.startBroker() })),
  };

  const server = createServer(async (request, response) => {
    const url = new URL(request.url ?? '/', 'http://control');
    const route = routes[`${request.method} ${url.pathname}`];
    const reply = (status, body) => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(body));
    };
    if (!route) return reply(404, { error: `unknown: ${request.method} ${url.pathname}` });
    try {
      reply(200, await route(url.searchParams));
    } catch (error) {
      reply(500, { error: error.message });
    }
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, DEFAULT_HOST, resolve);
  });
  // The JVM child processes decide how long Node lives, not this server.
  server.unref();
  const url = `http://${DEFAULT_HOST}:${server.address().port}`;
  if (urlFile) writeFileSync(urlFile, `${url}\n`);
  return {
    url,
    close: async () => {
      if (urlFile) rmSync(urlFile, { force: true });
      await new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
