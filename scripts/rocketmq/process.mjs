// Long-running JVM children: start with output to a file, wait for a readiness line, stop by pid.
import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, statSync } from 'node:fs';
import { connect } from 'node:net';

/**
 * Starts `java args…` with stdout+stderr appended to `outFile`. The JVM writes the file itself
 * (no pipe through Node), so a slow or dead Node process never blocks it.
 * Returns { name, pid, child, exited } where `exited` resolves with { code, signal }.
 */
export function spawnJvm(name, args, { outFile }) {
  // The file is appended to across broker restarts: only what this run writes counts for readiness.
  const outStart = existsSync(outFile) ? statSync(outFile).size : 0;
  const fd = openSync(outFile, 'a');
  try {
    // Not detached: a Ctrl-C in the terminal reaches the JVMs too (same process group). A SIGKILLed parent
    // leaves them behind; startRocketMQ() kills such leftovers through the pid file.
    const child = spawn('java', args, { stdio: ['ignore', fd, fd] });
    const exited = new Promise((resolve) => {
      child.on('exit', (code, signal) => resolve({ code, signal }));
      child.on('error', (error) => resolve({ code: null, signal: null, error }));
    });
    return { name, pid: child.pid, child, exited, outFile, outStart };
  } finally {
    closeSync(fd);
  }
}

/** True while the child has not exited. */
export function isAlive(proc) {
  return proc.child.exitCode === null && proc.child.signalCode === null;
}

/**
 * Resolves once `pattern` appears in the process's output file. Rejects with the tail of the output
 * when the process exits first or `timeoutMs` passes.
 */
export async function waitForOutput(proc, pattern, { timeoutMs, logsHint }) {
  const started = Date.now();
  let exit = null;
  proc.exited.then((result) => (exit = result));
  for (;;) {
    if (pattern.test(readText(proc.outFile, proc.outStart))) return Date.now() - started;
    if (exit) {
      const why = exit.error ? exit.error.message : `exit code ${exit.code ?? exit.signal}`;
      throw new Error(`${proc.name} stopped before it was ready (${why}).${describeOutput(proc, logsHint)}`);
    }
    if (Date.now() - started > timeoutMs) {
      throw new Error(
        `${proc.name} was not ready after ${timeoutMs / 1000} s.${describeOutput(proc, logsHint)}`,
      );
    }
    await sleep(100);
  }
}

/**
 * Sends `signal` (SIGTERM: RocketMQ's shutdown hooks flush the store) and waits for the exit;
 * SIGKILL after `timeoutMs` (a graceful proxy+broker stop takes ~12 s: Netty quiet periods and a fixed
 * 3 s sleep in DefaultMessageStore.shutdown). Resolves with how long it took.
 */
export async function stopJvm(proc, { signal = 'SIGTERM', timeoutMs = 30_000 } = {}) {
  const started = Date.now();
  if (!isAlive(proc)) return 0;
  proc.child.kill(signal);
  // A cleared timer, not sleep(): a pending 30 s timer would keep `npm run rocketmq` alive after the stop.
  const killer = setTimeout(() => proc.child.kill('SIGKILL'), timeoutMs);
  await proc.exited;
  clearTimeout(killer);
  return Date.now() - started;
}

/** Resolves true when something accepts TCP connections on host:port. */
export function isPortOpen(host, port, timeoutMs = 1000) {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (open) => {
      socket.destroy();
      resolve(open);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

export function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function describeOutput(proc, logsHint) {
  const output = readText(proc.outFile, proc.outStart).trimEnd().split('\n').slice(-25).join('\n');
  const hint = logsHint ? `\nMore in ${logsHint}` : '';
  return `\n--- last lines of ${proc.outFile} ---\n${output || '(empty)'}\n---${hint}`;
}

function readText(file, fromByte = 0) {
  return existsSync(file) ? readFileSync(file).subarray(fromByte).toString('utf8') : '';
}
