import type { Socket } from 'node:net';
import type { MqttLimits } from '#libs/platform';
import { isLoopbackAddress } from './channel.js';

/**
 * The first check of every new connection, before a byte of it is parsed: at most `maxConnections` open over all
 * listeners, and at most `connectRatePerAddress` new ones per second from one non-loopback address (a local
 * proxy or load generator is trusted, as EMQX trusts loopback). A refused socket is destroyed at once.
 */
export class ConnectionGuard {
  private open = 0;
  private second = 0;
  private readonly perAddress = new Map<string, number>();

  constructor(
    private readonly limits: Pick<MqttLimits, 'maxConnections' | 'connectRatePerAddress'>,
    private readonly refused: (why: 'max-connections' | 'connect-rate') => void,
  ) {}

  get openConnections(): number {
    return this.open;
  }

  /** True when the socket may go on to the broker; it is then counted until it closes. */
  admit(socket: Socket, now: number): boolean {
    if (this.open >= this.limits.maxConnections) return this.refuse(socket, 'max-connections');
    const address = socket.remoteAddress ?? '';
    if (this.limits.connectRatePerAddress > 0 && !isLoopbackAddress(address)) {
      const second = Math.floor(now / 1000);
      if (second !== this.second) {
        this.second = second;
        this.perAddress.clear();
      }
      const count = (this.perAddress.get(address) ?? 0) + 1;
      this.perAddress.set(address, count);
      if (count > this.limits.connectRatePerAddress) return this.refuse(socket, 'connect-rate');
    }
    this.open++;
    socket.once('close', () => this.open--);
    return true;
  }

  private refuse(socket: Socket, why: 'max-connections' | 'connect-rate'): false {
    this.refused(why);
    socket.on('error', () => undefined);
    socket.destroy();
    return false;
  }
}
