// Where things live and which ports a local RocketMQ uses. Every other module takes its defaults from here.
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const POM_PATH = join(REPO_ROOT, 'rocketmq', 'pom.xml');
// .rocketmq/ is gitignored: jars, stores and logs never reach git.
export const STATE_DIR = join(REPO_ROOT, '.rocketmq');
export const LIB_DIR = join(STATE_DIR, 'lib');
export const DEFAULT_WORK_DIR = join(STATE_DIR, 'run');

export const DEFAULT_HOST = '127.0.0.1';
export const DEFAULT_PORTS = Object.freeze({
  namesrvPort: 9876,
  grpcPort: 8081,
  // The proxy also opens a remoting (non-gRPC) port; nothing here uses it, but it cannot be disabled.
  remotingPort: 8080,
  // Keep 10911: some 5.x builds ignore listenPort (apache/rocketmq#9756). The broker also takes
  // 10909 (listenPort-2) and 10912 (listenPort+1, HA).
  brokerPort: 10911,
});
export const CLUSTER = 'DefaultCluster';

/** The RocketMQ version pinned in rocketmq/pom.xml (the single place to change it). */
export function rocketmqVersion() {
  const pom = readFileSync(POM_PATH, 'utf8');
  const match = /<rocketmq\.version>\s*([^<\s]+)\s*<\/rocketmq\.version>/.exec(pom);
  if (!match) throw new Error(`no <rocketmq.version> in ${POM_PATH}`);
  return match[1];
}

/** host:port of the namesrv that `topic` and the test helpers talk to (ROCKETMQ_NAMESRV overrides). */
export function defaultNamesrvAddr() {
  return process.env.ROCKETMQ_NAMESRV || `${DEFAULT_HOST}:${DEFAULT_PORTS.namesrvPort}`;
}

/** 'host:port' → [host, port]. */
export function splitAddress(address) {
  const index = address.lastIndexOf(':');
  return [address.slice(0, index), Number(address.slice(index + 1))];
}
