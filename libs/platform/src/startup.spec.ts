import { describe, expect, it } from '@jest/globals';
import { ConfigError } from './config-error.js';
import { startupFailure } from './startup.js';

describe('startupFailure', () => {
  it('says an app could not start, a command failed, and gives a bad setting as it is', () => {
    const cause = new Error('connect ECONNREFUSED 127.0.0.1:5432');
    expect(startupFailure('presence-ingest', cause)).toBe(
      'presence-ingest: could not start: connect ECONNREFUSED 127.0.0.1:5432',
    );
    expect(startupFailure('backup', cause, 'failed')).toBe(
      'backup: failed: connect ECONNREFUSED 127.0.0.1:5432',
    );
    const setting = new ConfigError('MQTT_PORT', 'port 1883 is already in use: set MQTT_PORT to a free port');
    expect(startupFailure('backup', setting, 'failed')).toBe(
      'backup: port 1883 is already in use: set MQTT_PORT to a free port',
    );
  });
});
