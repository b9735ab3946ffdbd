import { describe, expect, it } from '@jest/globals';
import { busCaller, busClientOptions, describeBus, redactedBusUrl } from './index.js';

const caller = busCaller(Buffer.alloc(32, 1), 'monitoring');
const natsOf = (busUrl: string) =>
  busClientOptions(busUrl, 'rule-manager', caller).options as Record<string, unknown>;

describe('BUS_URL with NATS credentials', () => {
  it('gives the transport the user and password, or the token, and the server without them', () => {
    expect(natsOf('nats://relay:p%40ss@nats:4222')).toMatchObject({
      servers: ['nats://nats:4222'],
      user: 'relay',
      pass: 'p@ss',
    });
    const token = natsOf('nats://s3cr3t-token@nats:4222');
    expect(token).toMatchObject({ servers: ['nats://nats:4222'], token: 's3cr3t-token' });
    expect(token).not.toHaveProperty('user');
    expect(natsOf('nats://127.0.0.1:4222')).not.toHaveProperty('token');
  });

  it('is shown with the password or token replaced, and the TCP bus as it was', () => {
    expect(redactedBusUrl('nats://relay:p%40ss@nats:4222')).toBe('nats://relay:***@nats:4222');
    expect(describeBus('nats://s3cr3t-token@nats:4222', 'presence-ingest')).toBe('nats://***@nats:4222');
    expect(describeBus('nats://nats:4222', 'rule-manager')).toBe('nats://nats:4222');
    expect(describeBus('tcp://127.0.0.1:3100', 'rocketmq-dispatch')).toBe('tcp://127.0.0.1:3102');
  });
});
