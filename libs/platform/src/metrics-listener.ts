import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AppMetrics } from './app-metrics.js';
import type { AppConfig } from './config.js';
import { listenOn } from './startup.js';

/**
 * The apps without HTTP serve their metrics on a port of their own: presence-ingest on METRICS_PORT,
 * rocketmq-dispatch on the next one, as with BUS_URL, so the three apps can share one environment.
 * rule-manager serves /metrics on HTTP_PORT.
 */
const PORT_OFFSET = { 'presence-ingest': 0, 'rocketmq-dispatch': 1 } as const;
export type MetricsApp = keyof typeof PORT_OFFSET;

/** Where `app` serves /metrics; undefined with METRICS_PORT=off. */
export function metricsPortOf(config: AppConfig, app: MetricsApp): number | undefined {
  return config.metricsPort === undefined ? undefined : config.metricsPort + PORT_OFFSET[app];
}

export interface MetricsListener {
  /** For the start-up line: `metrics http://localhost:9464/metrics` or `metrics off (METRICS_PORT)`. */
  description: string;
  close(): Promise<void>;
}

/**
 * A plain node:http listener with two read-only routes: GET /metrics (Prometheus text) and GET /health (200
 * while the process answers). A taken port fails start-up naming METRICS_PORT.
 */
export async function listenForMetrics(
  app: MetricsApp,
  config: AppConfig,
  metrics: AppMetrics,
): Promise<MetricsListener> {
  const port = metricsPortOf(config, app);
  if (port === undefined) return { description: 'metrics off (METRICS_PORT)', close: async () => {} };
  const server = createServer((request, response) => void answer(request, response, metrics));
  await listenOn(
    'METRICS_PORT',
    port,
    () =>
      new Promise<void>((listening, failed) => {
        server.once('error', failed);
        server.listen(port, () => {
          server.off('error', failed);
          listening();
        });
      }),
  );
  return {
    description: `metrics http://localhost:${port}/metrics`,
    close: () =>
      new Promise<void>((closed) => {
        server.close(() => closed());
        server.closeAllConnections(); // a scraper's keep-alive connection must not hold the shutdown
      }),
  };
}

async function answer(request: IncomingMessage, response: ServerResponse, metrics: AppMetrics) {
  const path = new URL(request.url ?? '/', 'http://localhost').pathname;
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    response.writeHead(405, { allow: 'GET, HEAD' }).end();
  } else if (path === '/metrics') {
    try {
      const text = await metrics.text();
      response.writeHead(200, { 'content-type': metrics.contentType }).end(text);
    } catch (error) {
      response.writeHead(500, { 'content-type': 'text/plain' }).end(`metrics failed: ${String(error)}\n`);
    }
  } else if (path === '/health') {
    response.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
  } else {
    response.writeHead(404, { 'content-type': 'text/plain' }).end('only /metrics and /health\n');
  }
}
