import type { Logger } from '@nestjs/common';
import type { PresenceMetrics } from '../metrics/presence-metrics.js';
import type { PresenceRecorder } from '../recording/presence-recorder.js';
import type { Admission } from './client-admission.js';
import { RefusalBudget } from './refusal-budget.js';

type Refusal = Extract<Admission, { admitted: false }>;

/** Log lines about refusals per minute, for each kind of refusal: enough to see a storm, not to be one. */
const LOGGED_PER_MINUTE = 10;

/**
 * What a refused CONNECT leaves behind: always a count in the metrics; a trace entry only for a client of a
 * registered group, and only the first few per client and minute (SPEC §2); a log line, rate-limited alike.
 * No credentials are kept, and usernames and client IDs are cut (see `shown`).
 */
export class ConnectRefusals {
  private readonly traced: RefusalBudget;
  private readonly logged = new RefusalBudget(LOGGED_PER_MINUTE, LOGGED_PER_MINUTE * 10);

  constructor(
    tracedPerMinute: number,
    private readonly recorder: PresenceRecorder,
    private readonly metrics: PresenceMetrics,
    private readonly logger: Logger,
  ) {
    this.traced = new RefusalBudget(tracedPerMinute);
  }

  record(clientId: string, clientIp: string, refusal: Refusal, now: number): void {
    this.metrics.connectionRefused(refusal.returnCode);
    const log = this.logged.take(refusal.traceable ? clientId : `code ${refusal.returnCode}`, now);
    if (log.write) {
      const more = log.suppressed > 0 ? ` (${log.suppressed} more like it not logged)` : '';
      this.logger.log(
        `refused CONNECT from ${clientIp}: ${refusal.reason} (CONNACK ${refusal.returnCode})${more}`,
      );
    }
    if (!refusal.traceable) return;
    const trace = this.traced.take(clientId, now);
    if (!trace.write) return;
    this.recorder.record({
      type: 'ClientConnectRefused',
      data: {
        clientId,
        clientIp,
        time: now,
        reason: refusal.traceReason,
        detail: refusal.reason,
        ...(trace.suppressed > 0 && { refusedSinceNotTraced: trace.suppressed }),
      },
    });
  }
}
