import { Worker } from 'node:worker_threads';
import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import type { Notification } from '#libs/notifications';
import { APP_CONFIG, type AppConfig } from '#libs/platform';
import type { ControlPlaneState } from '#libs/rules';
import type { SendResult } from './send-runs.js';
import type { SendRequest, SendThreadData } from './send-thread.js';

export type { SendResult } from './send-runs.js';

type Reply = { id: number; results: SendResult[][] } | { log: 'log' | 'debug'; message: string };

/**
 * Sends notifications through the send thread (send-thread.ts), which holds one producer per RocketMQ instance.
 * If the thread dies, the sends in flight fail as transient (dispatch retries them) and a new thread starts.
 */
@Injectable()
export class NotificationSender implements OnModuleDestroy {
  private readonly logger = new Logger('rocketmq');
  private readonly inFlight = new Map<
    number,
    { runs: Notification[][]; resolve: (results: SendResult[][]) => void }
  >();
  private nextId = 0;
  private worker: Worker | undefined;
  private closing = false;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    // The thread loads the gRPC client and its protobuf code (a second on a busy machine) while the app starts,
    // not while the first notifications wait.
    this.thread();
  }

  /**
   * Sends runs of notifications to one instance and topic, with results per notification. `controlPlane` gives
   * the instance's current address (endpoints or nameServer) and credentials (an operator may have fixed them).
   */
  send(runs: Notification[][], controlPlane: ControlPlaneState): Promise<SendResult[][]> {
    const { instanceId } = runs[0]![0]!.target;
    const instance = controlPlane.rocketmqInstances[instanceId];
    if (!instance) {
      const failure: SendResult = {
        failure: 'permanent',
        error: `RocketMQ instance ${instanceId} is no longer registered`,
      };
      return Promise.resolve(runs.map((run) => run.map(() => failure)));
    }
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.inFlight.set(id, { runs, resolve });
      this.thread().postMessage({ id, instance, runs } satisfies SendRequest);
    });
  }

  async onModuleDestroy(): Promise<void> {
    this.closing = true;
    const worker = this.worker;
    if (!worker) return;
    const exited = new Promise((resolve) => worker.once('exit', resolve));
    worker.postMessage('shutdown' satisfies SendRequest);
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5_000).unref())]);
    await worker.terminate();
  }

  private thread(): Worker {
    if (this.worker) return this.worker;
    const data: SendThreadData = {
      mqttInstanceId: this.config.instanceId,
      credentials: { credentialsKey: this.config.credentialsKey, dataDir: this.config.dataDir },
    };
    const worker = new Worker(new URL('./send-thread.js', import.meta.url), { workerData: data });
    worker.on('message', (reply: Reply) => {
      if ('log' in reply) return this.logger[reply.log](reply.message);
      this.inFlight.get(reply.id)?.resolve(reply.results);
      this.inFlight.delete(reply.id);
    });
    worker.on('error', (error) => this.logger.error(`the RocketMQ send thread failed: ${String(error)}`));
    worker.on('exit', () => {
      this.worker = undefined;
      const failure: SendResult = {
        failure: 'transient',
        error: 'the RocketMQ send thread stopped during the send',
      };
      for (const { runs, resolve } of this.inFlight.values())
        resolve(runs.map((run) => run.map(() => failure)));
      this.inFlight.clear();
      if (!this.closing)
        this.logger.warn('the RocketMQ send thread stopped; a new one starts with the next send');
    });
    this.worker = worker;
    return worker;
  }
}
