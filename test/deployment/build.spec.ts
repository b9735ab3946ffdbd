import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from '@jest/globals';

/**
 * `npm run start:<app>` builds before it starts: three started at once must not race on dist/ (one app loading
 * a file another build is writing). The build takes a lock and, with dist/ up to date, writes nothing.
 */
const ROOT = resolve(import.meta.dirname, '../..');
const LOCK = join(ROOT, '.build.lock');

function build(): Promise<{ code: number | null; stderr: string; finishedAt: number }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, ['scripts/build.mjs'], { cwd: ROOT });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('exit', (code) => done({ code, stderr, finishedAt: Date.now() }));
  });
}

function modifiedTimes(directory: string): Map<string, number> {
  const times = new Map<string, number>();
  for (const entry of readdirSync(directory, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    times.set(path, statSync(path).mtimeMs);
  }
  return times;
}

describe('npm run build', () => {
  afterEach(() => rmSync(LOCK, { recursive: true, force: true }));

  it('lets three builds started at once finish, rewriting nothing of an up-to-date dist/', async () => {
    expect((await build()).code).toBe(0);
    const before = modifiedTimes(join(ROOT, 'dist'));
    const results = await Promise.all([build(), build(), build()]);
    expect(results.map(({ code }) => code)).toEqual([0, 0, 0]);
    expect(modifiedTimes(join(ROOT, 'dist'))).toEqual(before);
  }, 120_000);

  it('waits while another build holds the lock, and starts once it is released', async () => {
    mkdirSync(LOCK);
    writeFileSync(join(LOCK, 'pid'), String(process.pid));
    const waiting = build();
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const releasedAt = Date.now();
    rmSync(LOCK, { recursive: true, force: true });
    const result = await waiting;
    expect(result.code).toBe(0);
    expect(result.stderr).toContain(`waiting for the build in progress (pid ${process.pid})`);
    expect(result.finishedAt).toBeGreaterThanOrEqual(releasedAt);
  }, 120_000);

  it('takes over a lock left by a build that died', async () => {
    mkdirSync(LOCK);
    writeFileSync(join(LOCK, 'pid'), '999999999');
    const result = await build();
    expect(result.code).toBe(0);
    expect(result.stderr).not.toContain('waiting');
  }, 120_000);
});
