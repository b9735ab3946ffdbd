// Types for the TypeScript callers (test/support) of the plain-JavaScript runtime in index.mjs.

export interface RocketMQPorts {
  namesrvPort: number;
  grpcPort: number;
  remotingPort: number;
  brokerPort: number;
}

export interface StartOptions extends Partial<RocketMQPorts> {
  /** Default: .rocketmq/run under the repo root. */
  workDir?: string;
  /** Keep the store and logs of the previous run (default: wipe them). */
  keep?: boolean;
  namesrvTimeoutMs?: number;
  proxyTimeoutMs?: number;
  log?: (line: string) => void;
  /** A JVM exited while nobody was stopping it. */
  onUnexpectedExit?: (name: string, result: { code: number | null; signal: string | null }) => void;
}

export interface StopOptions {
  /** Default SIGTERM (graceful); SIGKILL simulates a crash. */
  signal?: NodeJS.Signals;
  /** SIGKILL after this many ms (default 30 000). */
  timeoutMs?: number;
}

export interface RocketMQHandle {
  /** host:port for rocketmq-client-nodejs `endpoints`. */
  readonly grpcEndpoint: string;
  /** host:port of the namesrv (for mqadmin). */
  readonly namesrv: string;
  readonly workDir: string;
  readonly logsDir: string;
  /** Where `run` writes the URL of its control endpoint (serveControl). */
  readonly controlUrlFile: string;
  readonly version: string;
  readonly pids: { namesrv?: number; proxy?: number };
  readonly timings: { jarsMs: number; namesrvMs: number; proxyMs: number; totalMs: number };
  /** Stops the proxy+broker, then the namesrv. */
  stop(options?: StopOptions): Promise<void>;
  /** Stops only the proxy+broker JVM, keeping its store; resolves with the stop time in ms. */
  stopBroker(options?: StopOptions): Promise<number>;
  /** Starts the proxy+broker JVM again on the same store; resolves with the start time in ms. */
  startBroker(): Promise<number>;
  isBrokerRunning(): boolean;
}

export interface AdminResult {
  code: number | string | null;
  stdout: string;
  stderr: string;
  ms: number;
}

export function startRocketMQ(options?: StartOptions): Promise<RocketMQHandle>;
export function ensureJars(options?: {
  log?: (line: string) => void;
}): Promise<{ libDir: string; version: string; downloaded: boolean; ms: number }>;
export function installedVersion(libDir?: string): string | null;

export type TopicType = 'NORMAL' | 'FIFO' | 'DELAY' | 'TRANSACTION';
export function createTopic(
  name: string,
  options?: { fifo?: boolean; type?: TopicType; namesrv?: string; queues?: number },
): Promise<{ name: string; type: TopicType; ms: number }>;
export function createTopics(
  topics: ReadonlyArray<{ name: string; fifo?: boolean }>,
  options?: { namesrv?: string; queues?: number },
): Promise<{ names: string[]; ms: number }>;
export function createConsumerGroup(
  group: string,
  options?: { fifo?: boolean; namesrv?: string },
): Promise<{ group: string; fifo: boolean; ms: number }>;
export function createFifoConsumerGroup(
  group: string,
  options?: { namesrv?: string },
): Promise<{ group: string; fifo: boolean; ms: number }>;
export function runAdmin(
  args: string[],
  options?: { namesrv?: string; timeoutMs?: number; doneWhen?: RegExp },
): Promise<AdminResult>;
export function validateTopicName(name: string): string;
export function validateGroupName(name: string): string;
export function assertNamesrvReachable(namesrv?: string): Promise<void>;

export function isPortOpen(host: string, port: number, timeoutMs?: number): Promise<boolean>;
export function defaultNamesrvAddr(): string;
export function rocketmqVersion(): string;
export const DEFAULT_HOST: string;
export const DEFAULT_PORTS: Readonly<RocketMQPorts>;
export const DEFAULT_WORK_DIR: string;
export const REPO_ROOT: string;
export const STATE_DIR: string;

/** Loopback HTTP control of a handle's proxy+broker (GET /status, POST /broker/stop[?signal=], POST /broker/start). */
export function serveControl(
  handle: RocketMQHandle,
  options?: { urlFile?: string },
): Promise<{ url: string; close(): Promise<void> }>;

/** Shuts a rocketmq-client-nodejs client down for good: retries, then releases its channels by force. */
export function shutdownClient(client: { shutdown(): Promise<void> }): Promise<void>;
