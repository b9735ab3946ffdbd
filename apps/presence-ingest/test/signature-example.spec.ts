import { describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { CredentialsCipher } from '#libs/credentials';
import { checkSignature } from '../src/broker/signature-auth.js';

/** The README's worked signature example, read from the README itself so the two cannot drift apart. */
const readme = readFileSync(resolve(import.meta.dirname, '../../../README.md'), 'utf8');

function shown(pattern: RegExp): string {
  const found = readme.match(pattern);
  if (!found?.[1]) throw new Error(`README has no ${pattern}`);
  return found[1];
}

const example = {
  accessKeyId: shown(/^ACCESS_KEY_ID=(\S+)$/m),
  secret: shown(/^SECRET=(\S+)$/m),
  instanceId: shown(/^INSTANCE_ID=(\S+)$/m),
  clientId: shown(/^CLIENT_ID='([^']+)'$/m),
  password: shown(/^# both print: (\S+)$/m),
};

const cipher = CredentialsCipher.fromConfig({
  credentialsKey: randomBytes(32).toString('base64'),
  dataDir: '',
});
const context = {
  instanceId: example.instanceId,
  accessKey: (id: string) =>
    id === example.accessKeyId
      ? { accessKeyId: id, secretCiphertext: cipher.encrypt(example.secret), createdAt: 0 }
      : undefined,
  decrypt: (sealed: string) => cipher.decrypt(sealed),
};

const signIn = (username: string, password: string, clientId = example.clientId) =>
  checkSignature(username, Buffer.from(password), clientId, context);

describe('the README’s signature example', () => {
  const username = `Signature|${example.accessKeyId}|${example.instanceId}`;

  it('admits the device with the password the README prints', () => {
    expect(signIn(username, example.password)).toBe('valid');
  });

  it('uses that same password in its mosquitto_pub and MQTT.js lines', () => {
    expect(readme).toContain(`-P '${example.password}'`);
    expect(readme).toContain(`password: '${example.password}'`);
    expect(readme).toContain(`username: '${username}'`);
  });

  it('refuses it for another client ID, another instance or another key', () => {
    expect(signIn(username, example.password, 'GID_fleet@@@van-8')).toBe('invalid');
    expect(signIn(`Signature|${example.accessKeyId}|other-instance`, example.password)).toBe('invalid');
    expect(signIn(`Signature|AK000000000000000000000000|${example.instanceId}`, example.password)).toBe(
      'invalid',
    );
  });
});
