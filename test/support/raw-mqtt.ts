import { connect as connectTcp, type Socket } from 'node:net';
import { generate, type IConnectPacket } from 'mqtt-packet';

/** A CONNECT packet, as bytes, from fields that MQTT.js would refuse to send. */
export function connectBytes(fields: Partial<IConnectPacket> & { clientId: string }): Buffer {
  return generate({ cmd: 'connect', protocolVersion: 4, keepalive: 30, clean: true, ...fields });
}

/** The same packet with every `marker` byte sequence replaced by `bytes` of the same length (invalid UTF-8). */
export function withBytes(packet: Buffer, marker: string, bytes: Buffer): Buffer {
  const at = packet.indexOf(marker);
  if (at < 0 || bytes.length !== Buffer.byteLength(marker)) throw new Error(`no ${marker} to replace`);
  const copy = Buffer.from(packet);
  bytes.copy(copy, at);
  return copy;
}

/**
 * Sends raw bytes on a new TCP connection and resolves with what came back before the broker closed it, or
 * after `waitMs` (the socket is then destroyed).
 */
export function sendRaw(
  port: number,
  bytes: Buffer,
  waitMs = 3_000,
  host = '127.0.0.1',
): Promise<{ reply: Buffer; closedByBroker: boolean }> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const socket: Socket = connectTcp({ port, host }, () => socket.write(bytes));
    const timer = setTimeout(() => finish(false), waitMs);
    const finish = (closedByBroker: boolean) => {
      clearTimeout(timer);
      socket.destroy();
      resolve({ reply: Buffer.concat(chunks), closedByBroker });
    };
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', () => undefined);
    socket.on('close', () => finish(true));
  });
}
