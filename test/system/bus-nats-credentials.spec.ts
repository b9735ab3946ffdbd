import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ClientProxyFactory, Transport, type ClientProxy } from '@nestjs/microservices';
import { firstValueFrom, timeout } from 'rxjs';
import { BUS_PATTERNS, busCaller, busClientOptions } from '#libs/platform';
import { freePort, isolatedEnv, startApp, type RunningApp } from '../support/app-processes.js';
import { apiOf, eventually } from '../support/system-clients.js';

/**
 * The bus on a NATS server that wants credentials, run from deploy/nats/nats.conf (what docker-compose.yml runs)
 * by the local nats-server: the apps log in with the user and password in BUS_URL, never show the password, and
 * still prove BUS_SECRET on every request.
 */
const NATS_CONF = resolve(import.meta.dirname, '../../deploy/nats/nats.conf');
// Hex that NATS would read as a number if docker-compose.yml did not quote it.
const PASSWORD = `4e${randomBytes(12).toString('hex')}`;
let nats: ChildProcess;
let natsPort: number;
let env: Record<string, string>;
let apps: RunningApp[] = [];
const secret = randomBytes(32);

function startNats(port: number): Promise<ChildProcess> {
  return new Promise((ready, fail) => {
    const child = spawn('nats-server', ['-c', NATS_CONF, '-a', '127.0.0.1', '-p', String(port)], {
      env: { ...process.env, NATS_PASSWORD: `"${PASSWORD}"` }, // as docker-compose.yml gives it
    });
    let output = '';
    child.once('error', (error) =>
      fail(new Error(`cannot run nats-server (is it installed?): ${error.message}`)),
    );
    child.stderr.on('data', (chunk) => {
      output += chunk;
      if (output.includes('Server is ready')) ready(child);
    });
    child.once('exit', (code) => fail(new Error(`nats-server exited with ${code}:\n${output}`)));
  });
}

const ask = async (client: ClientProxy, pattern: string) => {
  try {
    await client.connect();
    return await firstValueFrom(client.send<Record<string, any>>(pattern, {}).pipe(timeout(5_000)));
  } finally {
    await client.close();
  }
};

beforeAll(async () => {
  natsPort = await freePort();
  nats = await startNats(natsPort);
  env = await isolatedEnv({
    BUS_URL: `nats://relay:${PASSWORD}@127.0.0.1:${natsPort}`,
    BUS_SECRET: secret.toString('base64'),
  });
  apps = await Promise.all([startApp('rule-manager', env), startApp('presence-ingest', env)]);
}, 60_000);

afterAll(async () => {
  await Promise.all(apps.map((app) => app.stop()));
  nats?.kill();
});

describe('the request bus on a NATS server with credentials', () => {
  it('connects the apps with the user and password in BUS_URL, and shows BUS_URL without the password', async () => {
    const peer = async () => (await apiOf(env)('GET', '/health')).body['peers']['presence-ingest'];
    expect(await eventually(peer, (answer) => answer.status !== 'unreachable')).toMatchObject({
      status: 'ok',
    });
    for (const app of apps) {
      expect(app.output()).toContain(`bus nats://relay:***@127.0.0.1:${natsPort}`);
      expect(app.output()).not.toContain(PASSWORD);
    }
  });

  it('keeps out a client without the NATS credentials', async () => {
    const stranger = ClientProxyFactory.create(
      busClientOptions(`nats://127.0.0.1:${natsPort}`, 'presence-ingest', busCaller(secret, 'stranger')),
    );
    await expect(ask(stranger, BUS_PATTERNS.status('presence-ingest'))).rejects.toThrow(
      /Authorization Violation/i,
    );
  });

  it('refuses a logged-in client that proves no BUS_SECRET, and answers one that does', async () => {
    const withoutProof = ClientProxyFactory.create({
      transport: Transport.NATS,
      options: { servers: [`nats://127.0.0.1:${natsPort}`], user: 'relay', pass: PASSWORD },
    });
    await expect(ask(withoutProof, BUS_PATTERNS.status('presence-ingest'))).rejects.toEqual({
      status: 'error',
      message: 'bus request refused: no BUS_SECRET proof',
    });
    const logged = async () => apps[1]!.output();
    expect(await eventually(logged, (output) => output.includes('refused'))).toMatch(
      /bus request presence-ingest\.status refused: no BUS_SECRET proof; .*BUS_SECRET/,
    );
    const sealed = ClientProxyFactory.create(
      busClientOptions(env['BUS_URL']!, 'presence-ingest', busCaller(secret, 'monitoring')),
    );
    expect(await ask(sealed, BUS_PATTERNS.status('presence-ingest'))).toMatchObject({ status: 'ok' });
  });
});
