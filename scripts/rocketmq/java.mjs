// Finding java/mvn and building the JVM command lines for the RocketMQ processes.
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';

import { LIB_DIR } from './paths.mjs';

export const INSTALL_HINT =
  'RocketMQ needs Java 17+ and Maven: install them (Debian/Ubuntu: `sudo apt-get install openjdk-17-jre-headless maven`) and make sure `java` and `mvn` are on PATH';

// RocketMQ's store casts to sun.nio.ch.DirectBuffer and uses Unsafe (apache/rocketmq#9779);
// Java 17 refuses that without these.
export const JAVA17_FLAGS = [
  '--add-exports=java.base/sun.nio.ch=ALL-UNNAMED',
  '--add-opens=java.base/sun.nio.ch=ALL-UNNAMED',
  '--add-opens=java.base/java.nio=ALL-UNNAMED',
  '--add-opens=java.base/java.lang=ALL-UNNAMED',
  '--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED',
  '-XX:+IgnoreUnrecognizedVMOptions',
];

// Sized for a 2-core machine that also runs three Node apps: SerialGC has no concurrent GC threads,
// C1-only JIT (TieredStopAtLevel=1) starts faster and burns less CPU; throughput is irrelevant in tests.
const JVM_PROFILES = {
  namesrv: ['-Xms64m', '-Xmx128m', '-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1'],
  proxy: [
    '-Xms256m',
    '-Xmx512m',
    '-XX:MaxDirectMemorySize=256m',
    '-XX:+UseSerialGC',
    '-XX:TieredStopAtLevel=1',
  ],
  admin: ['-Xms32m', '-Xmx256m', '-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1'],
};

const LOGBACK = {
  namesrv: 'rmq.namesrv.logback.xml',
  proxy: 'rmq.proxy.logback.xml',
  admin: 'rmq.tools.logback.xml',
};

/** Throws the install hint unless `java -version` reports 17 or newer. */
export function checkJava() {
  const result = spawnSync('java', ['-version'], { encoding: 'utf8' });
  if (result.error) throw new Error(`\`java\` not found. ${INSTALL_HINT}`);
  const match = /version "(\d+)(?:\.(\d+))?/.exec(result.stderr + result.stdout);
  const major = match ? Number(match[1] === '1' ? match[2] : match[1]) : 0;
  if (major < 17) throw new Error(`Java ${major || '?'} found, 17+ needed. ${INSTALL_HINT}`);
  return major;
}

/** Throws the install hint unless `mvn -v` runs. */
export function checkMaven() {
  const result = spawnSync('mvn', ['-v'], { encoding: 'utf8' });
  if (result.error || result.status !== 0) throw new Error(`\`mvn\` not found. ${INSTALL_HINT}`);
}

/**
 * JVM arguments for one RocketMQ role. `home` receives logs (user.home/logs/rocketmqlogs) and is
 * ROCKETMQ_HOME, which namesrv/broker insist on even though they read nothing from it here.
 */
export function jvmArgs(role, { home, tmpDir }) {
  return [
    ...JVM_PROFILES[role],
    ...JAVA17_FLAGS,
    '-XX:-OmitStackTraceInFastThrow',
    '-Djava.net.preferIPv4Stack=true',
    `-Duser.home=${home}`,
    `-Drocketmq.home.dir=${home}`,
    // The proxy writes its self-signed TLS test certificate here; keeps /tmp clean.
    `-Djava.io.tmpdir=${tmpDir}`,
    // Without this every role would pick the first logback file on the shared classpath (the proxy's).
    `-Drmq.logback.configurationFile=${LOGBACK[role]}`,
    '-cp',
    join(LIB_DIR, '*'),
  ];
}

/**
 * Runs a short-lived Java program (mqadmin) and collects its output.
 * Resolves with { code, stdout, stderr, ms }; never rejects on a non-zero exit.
 *
 * `doneWhen`: once stdout matches, the JVM is sent SIGTERM and the result counts as exit code 0.
 * mqadmin finishes its work in ~0.6 s but then idles ~3 s in Netty's graceful shutdown (2 s quiet
 * period per event loop); SIGTERM skips that wait (it runs shutdown hooks but does not wait for threads).
 */
export function runJava(args, { timeoutMs = 60_000, doneWhen } = {}) {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn('java', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let done = false;
    child.stdout.setEncoding('utf8').on('data', (chunk) => {
      stdout += chunk;
      if (doneWhen && !done && doneWhen.test(stdout)) {
        done = true;
        // Let the rest of the line(s) arrive before ending the JVM.
        setTimeout(() => child.kill('SIGTERM'), 50);
      }
    });
    child.stderr.setEncoding('utf8').on('data', (chunk) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error.code === 'ENOENT' ? new Error(`\`java\` not found. ${INSTALL_HINT}`) : error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const timedOut = signal === 'SIGKILL' && Date.now() - started >= timeoutMs;
      resolve({ code: done ? 0 : timedOut ? 'timeout' : code, stdout, stderr, ms: Date.now() - started });
    });
  });
}
