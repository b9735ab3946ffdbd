import { describe, expect, it } from '@jest/globals';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { isolatedEnv, startApp } from '../support/app-processes.js';

/** With no API_TOKENS, rule-manager generates an admin token on first start, prints it once and keeps it. */
describe('the generated admin token', () => {
  it('is printed on the first start only, stored with mode 600, and works after a restart', async () => {
    const env = await isolatedEnv({ API_TOKENS: '' });
    const first = await startApp('rule-manager', env);
    await first.stop();
    const secret = /Authorization: Bearer (\S+)"/.exec(first.output())?.[1];
    expect(secret).toMatch(/^[\w-]{32}$/);
    const file = join(env['DATA_DIR']!, 'api-tokens');
    expect(readFileSync(file, 'utf8')).toBe(`admin:admin:${secret}\n`);
    expect(statSync(file).mode & 0o777).toBe(0o600);

    const second = await startApp('rule-manager', env);
    try {
      expect(second.output()).not.toContain(secret);
      const url = `http://127.0.0.1:${env['HTTP_PORT']}/api/v1/rules`;
      expect((await fetch(url, { headers: { authorization: `Bearer ${secret}` } })).status).toBe(200);
      expect((await fetch(url)).status).toBe(401);
    } finally {
      await second.stop();
    }
  });
});
