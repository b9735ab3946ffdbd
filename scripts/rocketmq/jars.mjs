// Resolving the RocketMQ jars from Maven Central into .rocketmq/lib, once per pinned version.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { checkJava, checkMaven, INSTALL_HINT } from './java.mjs';
import { LIB_DIR, POM_PATH, STATE_DIR, rocketmqVersion } from './paths.mjs';

// The marker is written last, so a half-finished download is never mistaken for a complete one.
const MARKER = '.rocketmq-version';
const DEPENDENCY_PLUGIN = 'org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy-dependencies';
let javaChecked = null;

/** The version recorded in .rocketmq/lib, or null when the jars are missing or incomplete. */
export function installedVersion(libDir = LIB_DIR) {
  try {
    return readFileSync(join(libDir, MARKER), 'utf8').trim();
  } catch {
    return null;
  }
}

/**
 * Makes sure .rocketmq/lib holds the jars of the version pinned in rocketmq/pom.xml.
 * Returns { libDir, version, downloaded, ms }. First run: ~30 s and ~100 MB from Maven Central.
 */
export async function ensureJars({ log = () => {} } = {}) {
  const started = Date.now();
  // `java -version` once per process: every mqadmin call goes through here.
  javaChecked ??= checkJava();
  const version = rocketmqVersion();
  if (installedVersion() === version) return { libDir: LIB_DIR, version, downloaded: false, ms: 0 };

  checkMaven();
  log(`resolving Apache RocketMQ ${version} jars with Maven into ${LIB_DIR} (first run only, ~30 s)…`);
  mkdirSync(STATE_DIR, { recursive: true });
  // Download next to the target and rename, so a concurrent or interrupted run never sees a partial lib/.
  const tmpDir = join(STATE_DIR, `lib.tmp-${process.pid}`);
  rmSync(tmpDir, { recursive: true, force: true });
  try {
    await runMaven(tmpDir);
    const jars = readdirSync(tmpDir).filter((name) => name.endsWith('.jar'));
    if (jars.length === 0) throw new Error(`Maven copied no jars into ${tmpDir}`);
    writeFileSync(join(tmpDir, MARKER), `${version}\n`);
    rmSync(LIB_DIR, { recursive: true, force: true });
    renameSync(tmpDir, LIB_DIR);
    log(`resolved ${jars.length} jars in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return { libDir: LIB_DIR, version, downloaded: true, ms: Date.now() - started };
  } finally {
    if (existsSync(tmpDir)) rmSync(tmpDir, { recursive: true, force: true });
  }
}

function runMaven(outputDir) {
  const args = [
    '-B',
    '-q',
    '-f',
    POM_PATH,
    DEPENDENCY_PLUGIN,
    `-DoutputDirectory=${outputDir}`,
    '-DincludeScope=runtime',
  ];
  return new Promise((resolve, reject) => {
    const child = spawn('mvn', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk) => (output += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk) => (output += chunk));
    child.on('error', (error) =>
      reject(error.code === 'ENOENT' ? new Error(`\`mvn\` not found. ${INSTALL_HINT}`) : error),
    );
    child.on('close', (code) => {
      if (code === 0) return resolve();
      const tail = output.trim().split('\n').slice(-15).join('\n');
      reject(
        new Error(
          `Maven could not resolve the RocketMQ jars (exit ${code}); check network access to Maven Central and the version in ${POM_PATH}:\n${tail}`,
        ),
      );
    });
  });
}
