import {
  Metadata,
  status as Code,
  type ServerWritableStream,
  type ServiceDefinition,
  type UntypedServiceImplementation,
} from '@grpc/grpc-js';
import { Injectable, Logger } from '@nestjs/common';
import type { ApiTokenVerifier } from '../access/api-token-verifier.js';
import { PresenceWatchers, type PresenceSink } from '../watch-presence/presence-watchers.js';
import { watchQuery } from '../watch-presence/watch-presence.query.js';
import { contextOf } from './grpc-call.js';
import { toServiceError } from './grpc-errors.js';

type WatchCall = ServerWritableStream<unknown, unknown>;

type Encode = (event: Parameters<PresenceSink['write']>[0]) => Buffer;

/** A call as the watchers' sink: grpc-js buffers what the peer has not taken, and says so by write() → false. */
function sinkOf(call: WatchCall, encode: Encode): PresenceSink {
  let closed = false;
  call.once('cancelled', () => (closed = true));
  call.once('close', () => (closed = true));
  const ENDS = ['drain', 'cancelled', 'close'] as const;
  return {
    write: (event) => call.write(encode(event)),
    drained: () =>
      new Promise<void>((resolve) => {
        if (closed) return resolve();
        const done = () => {
          for (const name of ENDS) call.off(name, done);
          resolve();
        };
        for (const name of ENDS) call.on(name, done);
      }),
    get closed() {
      return closed;
    },
  };
}

/** Encoded events kept for the other watchers (most watch the same recent events). */
const ENCODED_KEPT = 4_096;

/**
 * mqtt_status_relay.v1.PresenceService: WatchPresence streams the stored presence events from a position. The
 * stream ends only when the caller cancels it, or with UNAVAILABLE when rule-manager stops (the caller watches
 * again from its last position).
 */
@Injectable()
export class PresenceGrpcService {
  private readonly logger = new Logger('grpc');
  private readonly calls = new Set<WatchCall>();
  private readonly encoded = new Map<number, Buffer>();
  private serialize = (_value: unknown): Buffer => {
    throw new Error('PresenceGrpcService.definition() was not called');
  };

  constructor(private readonly watchers: PresenceWatchers) {}

  /**
   * The service as registered: an event is encoded once for every watcher that gets it, and the Buffer passes
   * through grpc-js's serializer as it is.
   */
  definition(service: ServiceDefinition): ServiceDefinition {
    const method = service['WatchPresence']!;
    this.serialize = method.responseSerialize;
    const responseSerialize = (value: unknown) =>
      Buffer.isBuffer(value) ? value : method.responseSerialize(value);
    return { ...service, WatchPresence: { ...method, responseSerialize } };
  }

  handlers(verifier: ApiTokenVerifier): UntypedServiceImplementation {
    return { WatchPresence: (call: WatchCall) => void this.watch(call, verifier) };
  }

  /** Ends every open watch, so that the server can stop. */
  endAll(): void {
    for (const call of this.calls)
      call.emit('error', {
        code: Code.UNAVAILABLE,
        details: 'rule-manager is stopping: watch again after your last position',
      });
  }

  private encode(event: Parameters<Encode>[0]): Buffer {
    const kept = this.encoded.get(event.position);
    if (kept) return kept;
    const bytes = this.serialize(event);
    this.encoded.set(event.position, bytes);
    if (this.encoded.size > ENCODED_KEPT) this.encoded.delete(this.encoded.keys().next().value!);
    return bytes;
  }

  private async watch(call: WatchCall, verifier: ApiTokenVerifier): Promise<void> {
    let stop: (() => Promise<void>) | undefined;
    try {
      contextOf(verifier, call.metadata, 'read');
      const sink = sinkOf(call, (event) => this.encode(event));
      const watch = await this.watchers.watch(watchQuery(call.request), sink);
      stop = watch.stop;
      this.calls.add(call);
      const started = new Metadata();
      started.set('watch-after-position', String(watch.after));
      call.sendMetadata(started);
      await new Promise<void>((ended) => {
        call.once('cancelled', ended);
        call.once('close', ended);
        call.once('error', ended);
        if (sink.closed) ended();
      });
    } catch (error) {
      const { error: status, unexpected } = toServiceError(error);
      if (unexpected)
        this.logger.error(
          `WatchPresence failed: ${String(error)}`,
          error instanceof Error ? error.stack : undefined,
        );
      call.emit('error', status);
    } finally {
      this.calls.delete(call);
      await stop?.();
    }
  }
}
