import type { Duplex } from 'node:stream';
import mqttPacket from 'mqtt-packet';

/**
 * aedes tells nobody that a client sent DISCONNECT, nor its reason code. The adapter reads the bytes aedes reads
 * ('data' fires for each chunk aedes takes with read(), without changing the stream's flow) and frames them with
 * mqtt-packet, the codec aedes itself uses. The watch ends at the DISCONNECT or at the first bytes it cannot parse
 * (aedes refuses those itself).
 */
export function watchForDisconnect(stream: Duplex, seen: (reasonCode: number | undefined) => void): void {
  const parser = mqttPacket.parser();
  const onData = (chunk: Buffer) => parser.parse(chunk);
  const stop = () => {
    stream.off('data', onData);
    parser.removeAllListeners();
  };
  parser.on('packet', (packet) => {
    if (packet.cmd !== 'disconnect') return;
    stop();
    seen(packet.reasonCode);
  });
  parser.on('error', stop);
  stream.on('data', onData);
  stream.once('close', stop);
}
