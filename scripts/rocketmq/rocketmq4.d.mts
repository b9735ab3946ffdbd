// Types for the TypeScript callers (test/support) of the plain-JavaScript 4.9 runner in rocketmq4.mjs.

export const NAMESRV: string;
export const BROKER_PORT: number;
export const ACL_ACCOUNT: { accessKey: string; secretKey: string };

export interface RocketMQ4Handle {
  /** host:port of its name server. */
  readonly namesrv: string;
  /** Starts the broker again on the same store; resolves with the ms taken once it is ready. */
  startBroker(): Promise<number>;
  /** SIGTERM (its shutdown hooks flush the store), or SIGKILL with `crash`; resolves with the ms taken. */
  stopBroker(options?: { crash?: boolean }): Promise<number>;
  createTopic(name: string, options?: { orderly?: boolean }): Promise<void>;
  stop(): Promise<void>;
}

export function startRocketMQ4(options?: {
  acl?: boolean;
  log?: (line: string) => void;
}): Promise<RocketMQ4Handle>;
export function topic(name: string, options?: { orderly?: boolean }): Promise<void>;
export function ensureJars(): Promise<void>;
