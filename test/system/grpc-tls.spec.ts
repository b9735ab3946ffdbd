import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { credentials, status as Code } from '@grpc/grpc-js';
import { E2E_ADMIN_SECRET, isolatedEnv, startApp, type RunningApp } from '../support/app-processes.js';
import { grpcApi } from '../support/grpc-clients.js';

/** gRPC over TLS once GRPC_TLS_CERT and GRPC_TLS_KEY are set: plaintext callers are not answered. */
let env: Record<string, string>;
let app: RunningApp;
let cert: string;

beforeAll(async () => {
  env = await isolatedEnv();
  [cert] = [join(env['DATA_DIR']!, 'grpc-cert.pem')];
  const key = join(env['DATA_DIR']!, 'grpc-key.pem');
  execFileSync(
    'openssl',
    ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=localhost'].concat([
      '-addext',
      'subjectAltName=DNS:localhost,IP:127.0.0.1',
      '-keyout',
      key,
      '-out',
      cert,
    ]),
    { stdio: 'ignore' },
  );
  app = await startApp('rule-manager', { ...env, GRPC_TLS_CERT: cert, GRPC_TLS_KEY: key });
}, 60_000);

afterAll(async () => {
  await app?.stop();
});

it('serves the API, health and reflection over TLS with the configured certificate, and nothing in plaintext', async () => {
  expect(app.output()).toContain(`gRPC on grpcs://localhost:${env['GRPC_PORT']}`);
  const tls = grpcApi(`127.0.0.1:${env['GRPC_PORT']}`, credentials.createSsl(readFileSync(cert)));
  const plain = grpcApi(`127.0.0.1:${env['GRPC_PORT']}`);
  try {
    expect(await tls.health('')).toBe('SERVING');
    expect(
      await tls.call('GroupService', 'RegisterGroup', { groupId: 'GID_tls' }, E2E_ADMIN_SECRET),
    ).toMatchObject({
      ok: true,
      value: { groupId: 'GID_tls' },
    });
    expect((await tls.reflect('mqtt_status_relay.v1.GroupService')).services).toContain(
      'mqtt_status_relay.v1.GroupService',
    );
    expect(await plain.call('GroupService', 'ListGroups', {}, E2E_ADMIN_SECRET)).toMatchObject({
      ok: false,
      code: Code.UNAVAILABLE,
    });
  } finally {
    tls.close();
    plain.close();
  }
});
