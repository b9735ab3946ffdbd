// `npm run build`: compiles apps and libs into dist/. Several `npm run start:<app>` started at once each build
// first; a lock lets one compile while the others wait, and the incremental build (its state in dist/) then
// writes nothing unchanged, so an app already running never loads a half-written dist/.
import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

const ROOT = resolve(import.meta.dirname, '..');
const LOCK = join(ROOT, '.build.lock');
const WAIT_LIMIT_MS = 10 * 60_000;

function isAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === 'EPERM';
  }
}

/** Takes the lock directory (mkdir is atomic); a lock left by a build that died is taken over. */
async function lock() {
  const deadline = Date.now() + WAIT_LIMIT_MS;
  let told = false;
  for (;;) {
    try {
      mkdirSync(LOCK);
      writeFileSync(join(LOCK, 'pid'), String(process.pid));
      return;
    } catch (error) {
      if (error.code !== 'EEXIST') throw error;
    }
    let holder = NaN;
    try {
      holder = Number(readFileSync(join(LOCK, 'pid'), 'utf8'));
    } catch {
      // just created, pid not written yet
    }
    if (Number.isInteger(holder) && !isAlive(holder)) {
      rmSync(LOCK, { recursive: true, force: true });
      continue;
    }
    if (Date.now() > deadline) throw new Error(`another build (pid ${holder}) holds ${LOCK} for too long`);
    if (!told) console.error(`build: waiting for the build in progress (pid ${holder})`);
    told = true;
    await sleep(200);
  }
}

/** Copies the files of `from` that `to` lacks or holds otherwise; an up-to-date copy is left untouched. */
function copyChanged(from, to) {
  for (const entry of readdirSync(from, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const source = join(entry.parentPath, entry.name);
    const target = join(to, relative(from, source));
    if (existsSync(target) && readFileSync(target).equals(readFileSync(source))) continue;
    mkdirSync(dirname(target), { recursive: true });
    copyFileSync(source, target);
  }
}

await lock();
try {
  const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  const args = ['-p', 'tsconfig.build.json', '--incremental', '--tsBuildInfoFile', 'dist/.tsbuildinfo'];
  const { status } = spawnSync(process.execPath, [tsc, ...args], { cwd: ROOT, stdio: 'inherit' });
  process.exitCode = status ?? 1;
  // The gRPC contracts travel with the compiled code: a deployed app (dist/ only) serves them from there.
  if (status === 0) copyChanged(join(ROOT, 'libs/contracts/proto'), join(ROOT, 'dist/libs/contracts/proto'));
} finally {
  rmSync(LOCK, { recursive: true, force: true });
}
