import { describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { isolatedEnv, startApp } from '../support/app-processes.js';

/**
 * With no API_TOKENS, rule-manager generates an admin token on first start into DATA_DIR/api-tokens; the log says
 * where, never what. Everything the apps write in DATA_DIR is readable by its owner only.
 */
describe('the generated admin token', () => {
  it('is kept in its file only (mode 600), named but never shown in the log, and works after a restart', async () => {
    const env = await isolatedEnv({ API_TOKENS: '' });
    const first = await startApp('rule-manager', env);
    await first.stop();
    const file = join(env['DATA_DIR']!, 'api-tokens');
    const secret = /^admin:admin:([\w-]{32})\n$/.exec(readFileSync(file, 'utf8'))?.[1];
    expect(secret).toMatch(/^[\w-]{32}$/);
    expect(first.output()).toContain(`generated an admin token into ${file}`);
    expect(first.output()).not.toContain(secret);

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

  it('leaves every file the apps wrote in DATA_DIR readable and writable by the owner only', async () => {
    const env = await isolatedEnv({ API_TOKENS: '' });
    const apps = [await startApp('rule-manager', env), await startApp('presence-ingest', env)];
    await Promise.all(apps.map((app) => app.stop()));
    const written = readdirSync(env['DATA_DIR']!, { recursive: true, withFileTypes: true });
    const modes = written.map((entry) => ({
      name: entry.name,
      mode: (statSync(join(entry.parentPath, entry.name)).mode & 0o777).toString(8),
      owner: entry.isDirectory() ? '700' : '600',
    }));
    expect(modes.map((file) => file.name)).toEqual(expect.arrayContaining(['api-tokens', 'events.db']));
    for (const { name, mode, owner } of modes) expect({ name, mode }).toEqual({ name, mode: owner });
  });
});
