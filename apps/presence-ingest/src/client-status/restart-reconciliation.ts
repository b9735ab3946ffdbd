import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG, EVENT_STORE, type AppConfig } from '#libs/platform';
import { PresenceRecorder } from '../recording/presence-recorder.js';
import { ClientStatusProjection, openChannelsOf } from '#libs/client-status';
import type { Documents } from '#libs/event-store';
import { ingestNodeId } from '../nodes/node-id.js';

/**
 * SPEC §6: the channels the previous run left open (it crashed, or was killed) are closed with `tcpclean`,
 * reason `broker restart`, flagged `inferred`, before any new connection is accepted, so no client stays
 * "online" forever and each such channel gets exactly one tcpclean. Only this node's channels: the other
 * nodes sharing the store keep theirs (channels stored before nodes had names count as this node's).
 */
@Injectable()
export class RestartReconciliation {
  private readonly logger = new Logger('restart-reconciliation');

  constructor(
    private readonly projection: ClientStatusProjection,
    private readonly recorder: PresenceRecorder,
    @Inject(EVENT_STORE) private readonly documents: Documents,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async closeChannelsLeftOpen(now: number): Promise<number> {
    // Everything the previous run stored is projected first, so its open channels are all known.
    await this.projection.catchUp();
    const node = ingestNodeId(this.config);
    const open = (await openChannelsOf(this.documents)).filter(
      (channel) => channel.node === undefined || channel.node === node,
    );
    for (const channel of open) {
      this.recorder.record({
        type: 'ClientConnectionClosed',
        data: {
          clientId: channel.clientId,
          channelId: channel.channelId,
          clientIp: channel.clientIp,
          time: now,
          reason: 'broker restart',
          inferred: true,
        },
      });
    }
    await this.recorder.drain();
    if (open.length > 0)
      this.logger.warn(`closed ${open.length} channels left open by the previous run (broker restart)`);
    return open.length;
  }
}
