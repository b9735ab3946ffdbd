// `npm start`: the three apps as separate processes on the embedded defaults, their output prefixed by name.
// Ctrl-C stops all three (each stores what it holds first); if one exits on its own, the others are stopped too.
import { spawn } from 'node:child_process';

const APPS = ['rule-manager', 'presence-ingest', 'rocketmq-dispatch'];
const children = new Map();
let stopping = false;

function prefixLines(name, stream, out) {
  let rest = '';
  stream.on('data', (chunk) => {
    const lines = (rest + chunk).split('\n');
    rest = lines.pop();
    // The apps' own log lines already start with [name]; only foreign lines (crashes) get the prefix.
    for (const line of lines) out.write(line.startsWith(`[${name}]`) ? `${line}\n` : `[${name}] ${line}\n`);
  });
  stream.on('end', () => rest && out.write(`[${name}] ${rest}\n`));
}

function stopAll(signal) {
  if (stopping) return;
  stopping = true;
  for (const child of children.values()) child.kill(signal);
}

for (const name of APPS) {
  const child = spawn(process.execPath, ['--enable-source-maps', `dist/apps/${name}/src/main.js`], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: process.env,
  });
  children.set(name, child);
  prefixLines(name, child.stdout, process.stdout);
  prefixLines(name, child.stderr, process.stderr);
  child.on('exit', (code, signal) => {
    children.delete(name);
    if (!stopping) {
      process.stderr.write(`[${name}] exited (${signal ?? `code ${code}`}); stopping the other apps\n`);
      process.exitCode = code || 1;
      stopAll('SIGTERM');
    }
  });
}

process.on('SIGINT', () => stopAll('SIGINT'));
process.on('SIGTERM', () => stopAll('SIGTERM'));
