// The work dir layout and the three config files of a local single-node RocketMQ.
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { CLUSTER, DEFAULT_HOST } from './paths.mjs';

// Only directories carrying this marker (or empty ones) are ever wiped: workDir may come from a caller.
const WORK_DIR_MARKER = '.rocketmq-workdir';

/** Absolute paths inside a work dir. */
export function workDirLayout(workDir) {
  return {
    workDir,
    conf: join(workDir, 'conf'),
    home: join(workDir, 'home'),
    logs: join(workDir, 'home', 'logs', 'rocketmqlogs'),
    tmp: join(workDir, 'tmp'),
    store: join(workDir, 'store'),
    namesrvConf: join(workDir, 'conf', 'namesrv.properties'),
    brokerConf: join(workDir, 'conf', 'broker.conf'),
    proxyConf: join(workDir, 'conf', 'rmq-proxy.json'),
    namesrvOut: join(workDir, 'namesrv.out'),
    proxyOut: join(workDir, 'proxy.out'),
    pidFile: join(workDir, 'pids.json'),
    // Where `run` publishes its control URL, so a test run that reuses it can still restart the broker.
    controlUrlFile: join(workDir, 'control.url'),
  };
}

/**
 * Creates the work dir. Unless `keep`, everything from a previous run (store, logs) is deleted first,
 * because tests rely on a fresh store: a new consumer group only starts at offset 0 on a fresh store.
 */
export function prepareWorkDir(workDir, { keep = false } = {}) {
  const layout = workDirLayout(workDir);
  if (existsSync(workDir) && !keep) {
    const entries = readdirSync(workDir);
    if (entries.length > 0 && !entries.includes(WORK_DIR_MARKER)) {
      throw new Error(
        `refusing to wipe ${workDir}: it was not created by scripts/rocketmq.mjs; pick an empty or new workDir`,
      );
    }
    rmSync(workDir, { recursive: true, force: true });
  }
  for (const dir of [layout.conf, layout.home, layout.tmp, layout.store]) mkdirSync(dir, { recursive: true });
  writeFileSync(join(workDir, WORK_DIR_MARKER), 'work dir of scripts/rocketmq.mjs; safe to delete\n');
  return layout;
}

/** Writes namesrv.properties, broker.conf and rmq-proxy.json for the given ports. */
export function writeConfigs(layout, { namesrvPort, grpcPort, remotingPort, brokerPort }) {
  const namesrvAddr = `${DEFAULT_HOST}:${namesrvPort}`;
  writeFileSync(layout.namesrvConf, properties(namesrvProperties(namesrvPort)));
  writeFileSync(layout.brokerConf, properties(brokerProperties(layout, { namesrvAddr, brokerPort })));
  writeFileSync(
    layout.proxyConf,
    `${JSON.stringify(proxyConfig({ namesrvAddr, grpcPort, remotingPort }), null, 2)}\n`,
  );
}

function namesrvProperties(namesrvPort) {
  // NamesrvStartup applies -c after its built-in 9876, so both keys take effect (checked in 5.5.0).
  return { listenPort: namesrvPort, bindAddress: DEFAULT_HOST };
}

function brokerProperties(layout, { namesrvAddr, brokerPort }) {
  return {
    brokerClusterName: CLUSTER,
    brokerName: 'broker-a',
    brokerId: 0,
    brokerRole: 'ASYNC_MASTER',
    flushDiskType: 'ASYNC_FLUSH',
    namesrvAddr,
    // The proxy advertises brokerIP1:grpcPort to gRPC clients; the default is the LAN address.
    brokerIP1: DEFAULT_HOST,
    brokerIP2: DEFAULT_HOST,
    // Binds 10911 and 10909 to loopback. The HA port (10912) ignores it and stays on all interfaces.
    bindAddress: DEFAULT_HOST,
    listenPort: brokerPort,
    storePathRootDir: layout.store,
    storePathCommitLog: join(layout.store, 'commitlog'),
    // 1 GiB commit log files are pointless for tests.
    mappedFileSizeCommitLog: 128 * 1024 * 1024,
    // Dev disks are often 75–90 % full; the defaults would make the broker refuse writes.
    diskMaxUsedSpaceRatio: 95,
    diskSpaceCleanForciblyRatio: 97,
    diskSpaceWarningLevelRatio: 98,
    // The 200 ms / 1 s defaults produce "[TIMEOUT] clean queue" and "broker busy" on a loaded 2-core box.
    waitTimeMillsInSendQueue: 3000,
    osPageCacheBusyTimeOutMills: 3000,
    fileReservedTime: 1,
    // Fewer, smaller index files: the defaults map ~420 MB per index file.
    maxIndexNum: 400_000,
    maxHashSlotNum: 100_000,
  };
}

function proxyConfig({ namesrvAddr, grpcPort, remotingPort }) {
  return {
    rocketMQClusterName: CLUSTER,
    namesrvAddr,
    proxyMode: 'LOCAL',
    grpcServerPort: grpcPort,
    remotingListenPort: remotingPort,
    localServeAddr: DEFAULT_HOST,
    enablePrintJstack: false,
    // An empty receive then returns after ~1 s instead of 5 s.
    grpcClientConsumerMinLongPollingTimeoutMillis: 1000,
    // "Topic not found" is cached per refresh period; keep it short so freshly created topics appear fast.
    topicRouteServiceCacheRefreshSeconds: 2,
    // With clients connected, a SIGTERM would otherwise wait up to 30 s for their streams to end.
    grpcShutdownTimeSeconds: 3,
  };
}

function properties(object) {
  return `${Object.entries(object)
    .map(([key, value]) => `${key}=${value}`)
    .join('\n')}\n`;
}
