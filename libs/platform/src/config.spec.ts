import { describe, expect, it } from '@jest/globals';
import { ConfigError, loadConfig } from './config.js';

describe('configuration', () => {
  it('has the documented defaults', () => {
    const config = loadConfig({ DATA_DIR: '/tmp/relay' });
    expect(config).toMatchObject({
      httpPort: 3000,
      mqttPort: 1883,
      mqttHost: '127.0.0.1',
      mqttAllowAnonymous: true,
      metricsPort: 9464,
      grpcPort: 50051,
      grpcMaxWatchers: 256,
      eventStoreUrl: 'sqlite:/tmp/relay/events.db',
      instanceId: 'mqtt-local',
      region: 'local',
      busUrl: 'tcp://127.0.0.1:3100',
      maxRulesPerInstance: 100,
      apiTokens: [],
      dispatch: {
        concurrency: 256,
        window: 10_000,
        maxAttempts: 5,
        baseBackoffMs: 1_000,
        maxBackoffMs: 10_000,
        partitions: 16,
        leaseTtlMs: 10_000,
      },
      eventRetentionMs: 7 * 86_400_000,
    });
    expect(config).not.toHaveProperty('nodeId');
    expect(config).not.toHaveProperty('grpcTls');
    expect(config).not.toHaveProperty('archiveDir');
    expect(loadConfig({ ARCHIVE_DIR: '/var/archive/relay' }).archiveDir).toBe('/var/archive/relay');
    expect(loadConfig({ NODE_ID: 'host-1:1883' }).nodeId).toBe('host-1:1883');
  });

  it('refuses anonymous clients by default once the MQTT listener leaves loopback', () => {
    expect(loadConfig({ MQTT_HOST: '0.0.0.0' }).mqttAllowAnonymous).toBe(false);
    expect(loadConfig({ MQTT_HOST: '0.0.0.0', MQTT_ALLOW_ANONYMOUS: 'true' }).mqttAllowAnonymous).toBe(true);
  });

  it.each([
    ['MQTT_ALLOW_ANONYMOUS', 'yes'],
    ['MQTT_PORT', '70000'],
    ['METRICS_PORT', 'none'],
    ['METRICS_PORT', '65535'],
    ['INSTANCE_ID', 'no spaces'],
    ['API_TOKENS', 'ops:root:0123456789abcdef'],
    ['API_TOKENS', 'ops:admin:short'],
    ['CREDENTIALS_KEY', 'not-32-bytes'],
    ['DISPATCH_CONCURRENCY', '0'],
    ['DISPATCH_CONCURRENCY', '5000'],
    ['DISPATCH_MAX_ATTEMPTS', 'three'],
    ['DISPATCH_PARTITIONS', '2000'],
    ['DISPATCH_LEASE_TTL_MS', '100'],
    ['NODE_ID', 'no spaces'],
    ['EVENT_RETENTION', '7 days'],
    ['EVENT_RETENTION', '0d'],
  ])('names %s when its value is wrong (%s)', (variable, value) => {
    let error: unknown;
    try {
      loadConfig({ [variable]: value });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect(error).toMatchObject({ variable, message: expect.stringContaining(variable) });
  });

  it('serves no metrics listener with METRICS_PORT=off', () => {
    expect(loadConfig({ METRICS_PORT: 'off' })).not.toHaveProperty('metricsPort');
    expect(loadConfig({ METRICS_PORT: '9500' }).metricsPort).toBe(9500);
  });

  it('keeps presence and delivery events for EVENT_RETENTION, or forever with off', () => {
    expect(loadConfig({ EVENT_RETENTION: '30d' }).eventRetentionMs).toBe(30 * 86_400_000);
    expect(loadConfig({ EVENT_RETENTION: '12h' }).eventRetentionMs).toBe(12 * 3_600_000);
    expect(loadConfig({ EVENT_RETENTION: '15m' }).eventRetentionMs).toBe(15 * 60_000);
    expect(loadConfig({ EVENT_RETENTION: '30s' }).eventRetentionMs).toBe(30_000);
    expect(loadConfig({ EVENT_RETENTION: 'OFF' })).not.toHaveProperty('eventRetentionMs');
  });

  it('refuses a maximum retry delay below the first one', () => {
    expect(() => loadConfig({ DISPATCH_RETRY_BASE_MS: '5000', DISPATCH_RETRY_MAX_MS: '1000' })).toThrow(
      'DISPATCH_RETRY_MAX_MS (1000) must not be below DISPATCH_RETRY_BASE_MS (5000)',
    );
  });
});
