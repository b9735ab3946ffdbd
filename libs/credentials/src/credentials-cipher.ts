import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { loadOrCreateKeyFile } from './key-file.js';

/**
 * RocketMQ secret keys are stored encrypted (AES-256-GCM) in events, never in clear. The key comes from
 * CREDENTIALS_KEY, or from `DATA_DIR/credentials.key`, created on first use, for a single-host install.
 */
export class CredentialsCipher {
  private constructor(private readonly key: Buffer) {}

  static fromConfig(config: { credentialsKey?: string; dataDir: string }): CredentialsCipher {
    if (config.credentialsKey) return new CredentialsCipher(Buffer.from(config.credentialsKey, 'base64'));
    return new CredentialsCipher(loadOrCreateKeyFile(join(config.dataDir, 'credentials.key')));
  }

  /** `v1:<iv>:<tag>:<ciphertext>`, all base64. */
  encrypt(plain: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const ciphertext = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return ['v1', ...[iv, cipher.getAuthTag(), ciphertext].map((part) => part.toString('base64'))].join(':');
  }

  decrypt(sealed: string): string {
    const [version, iv, tag, ciphertext] = sealed.split(':');
    if (version !== 'v1' || !iv || !tag || ciphertext === undefined)
      throw new Error('unknown credentials format');
    const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64'));
    decipher.setAuthTag(Buffer.from(tag, 'base64'));
    return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64')), decipher.final()]).toString(
      'utf8',
    );
  }
}
