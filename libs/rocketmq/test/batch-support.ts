// Status messages and producers for the batched-send tests against the real RocketMQ of the global setup.
import { toStatusMessage, type Notification, type StatusMessage } from '#libs/notifications';
import type { RocketmqInstance } from '#libs/rules';
import { RocketmqProducers, RouteAwareProducer } from '#libs/rocketmq';
import { quietLogger, rocketmqEndpoint } from '../../../test/support/rocketmq.js';

export function instance(overrides: Partial<RocketmqInstance> = {}): RocketmqInstance {
  return {
    instanceId: 'rmq-batch-it',
    region: 'local',
    endpoints: rocketmqEndpoint(),
    namespace: '',
    tls: false,
    createdAt: 0,
    ...overrides,
  };
}

/** Secrets are stored encrypted; these tests "encrypt" by identity. */
export function producers(): RocketmqProducers {
  return new RocketmqProducers((ciphertext) => ciphertext, { log: () => undefined, debug: () => undefined });
}

const EVENT_TYPES = ['connect', 'disconnect', 'tcpclean'] as const;

/** The messages dispatch would send for `count` consecutive events of one client, from sequence number `from`. */
export function clientMessages(
  topic: string,
  clientId: string,
  { count, from = 1, fifo }: { count: number; from?: number; fifo: boolean },
): StatusMessage[] {
  return Array.from({ length: count }, (_, i) => {
    const seq = from + i;
    const eventId = `${clientId.replace(/\W/g, '')}-${seq}`;
    const notification: Notification = {
      notificationId: `batch-rule:${eventId}`,
      ruleId: 'batch-rule',
      ruleVersion: 1,
      target: { instanceId: 'rmq-batch-it', topic },
      eventId,
      seq,
      eventType: EVENT_TYPES[(seq - 1) % 3]!,
      event: {
        clientId,
        channelId: 'c0ffee00c0ffee00c0ffee00c0ffee00',
        clientIp: `203.0.113.7:${40_000 + seq}`,
        time: 1_700_000_000_000 + seq,
        reason: seq % 3 === 1 ? 'accepted' : 'closed by client',
        // Not ASCII, so a body that is not passed byte for byte shows.
        certificateChainSn: `sn-ü✓-${seq}`,
      },
    };
    return toStatusMessage(notification, { fifo }, 'mqtt-batch-it');
  });
}

/** A producer of its own that keeps the transport headers of each of its SendMessage calls (so counts them). */
export class ObservedProducer extends RouteAwareProducer {
  readonly sendCalls: Array<Record<string, string>> = [];
  private sending = false;

  constructor(options: Omit<ConstructorParameters<typeof RouteAwareProducer>[0], 'namespace'>) {
    super({ namespace: '', logger: quietLogger, requestTimeout: 5_000, maxAttempts: 1, ...options });
    const manager = this.rpcClientManager;
    const sendMessage = manager.sendMessage.bind(manager);
    // The manager builds the call's headers synchronously, before its first await: those are the ones recorded.
    manager.sendMessage = (endpoints, request, duration) => {
      this.sending = true;
      try {
        return sendMessage(endpoints, request, duration);
      } finally {
        this.sending = false;
      }
    };
  }

  override getRequestMetadata() {
    const metadata = super.getRequestMetadata();
    if (this.sending)
      this.sendCalls.push(
        Object.fromEntries(Object.entries(metadata.getMap()).map(([key, value]) => [key, String(value)])),
      );
    return metadata;
  }
}
