import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer, type Server } from 'node:net';
import { isolatedEnv, runFailingApp } from '../support/app-processes.js';

/** A bad value or a port in use stops an app with exit code 1 and one line naming the variable to change. */
let taken: Server;
let takenPort: number;

beforeAll(async () => {
  taken = createServer();
  await new Promise<void>((listening) => taken.listen(0, listening));
  takenPort = (taken.address() as { port: number }).port;
});

afterAll(() => new Promise<void>((closed) => taken.close(() => closed())));

function problemLines(output: string): string[] {
  return output.split('\n').filter((line) => line.trim() !== '');
}

describe('start-up errors', () => {
  it('names HTTP_PORT when its value is not a port', async () => {
    const { code, output } = await runFailingApp('rule-manager', await isolatedEnv({ HTTP_PORT: 'abc' }));
    expect(code).toBe(1);
    expect(problemLines(output)).toEqual([
      'rule-manager: HTTP_PORT="abc" is not a TCP port (1–65535): set HTTP_PORT to a free port',
    ]);
  });

  it('names MQTT_PORT when the port is already in use', async () => {
    const env = await isolatedEnv({ MQTT_PORT: String(takenPort) });
    const { code, output } = await runFailingApp('presence-ingest', env);
    expect(code).toBe(1);
    expect(output).toContain(
      `presence-ingest: port ${takenPort} is already in use: set MQTT_PORT to a free port`,
    );
  });

  it('names HTTP_PORT when the port is already in use', async () => {
    const { code, output } = await runFailingApp(
      'rule-manager',
      await isolatedEnv({ HTTP_PORT: String(takenPort) }),
    );
    expect(code).toBe(1);
    expect(output).toContain(
      `rule-manager: port ${takenPort} is already in use: set HTTP_PORT to a free port`,
    );
  });

  it('names GRPC_PORT when the port is already in use', async () => {
    const env = await isolatedEnv({ GRPC_PORT: String(takenPort) });
    const { code, output } = await runFailingApp('rule-manager', env);
    expect(code).toBe(1);
    expect(output).toContain(
      `rule-manager: port ${takenPort} is already in use: set GRPC_PORT to a free port`,
    );
  });

  it('names METRICS_PORT when the port is already in use', async () => {
    // rocketmq-dispatch serves its metrics on METRICS_PORT + 1
    const env = await isolatedEnv({ METRICS_PORT: String(takenPort - 1) });
    const { code, output } = await runFailingApp('rocketmq-dispatch', env);
    expect(code).toBe(1);
    expect(output).toContain(
      `rocketmq-dispatch: port ${takenPort} is already in use: set METRICS_PORT to a free port`,
    );
  });

  it('names EVENT_STORE_URL when it is neither SQLite nor PostgreSQL', async () => {
    const env = await isolatedEnv({ EVENT_STORE_URL: 'mysql://db/events' });
    const { code, output } = await runFailingApp('rocketmq-dispatch', env);
    expect(code).toBe(1);
    expect(problemLines(output)).toEqual([
      'rocketmq-dispatch: EVENT_STORE_URL must be sqlite:<file> or postgres://user@host:port/db: change EVENT_STORE_URL',
    ]);
  });
});
