import { execFile } from 'node:child_process';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';

/**
 * The CONNACK code a client gets (0 accepted; 3.1.1 return codes or MQTT 5 reason codes otherwise), or -1 when
 * the connection closed without any CONNACK.
 */
export function connackCode(url: string, options: IClientOptions): Promise<number> {
  return new Promise((resolve) => {
    const client = mqtt.connect(url, { reconnectPeriod: 0, connectTimeout: 5_000, ...options });
    client.once('connect', () => {
      client.end(true);
      resolve(0);
    });
    client.once('error', (error) => {
      client.end(true);
      resolve((error as { code?: number }).code ?? -1);
    });
    client.once('close', () => resolve(-1));
  });
}

/** An MQTT.js client that is connected, with the DISCONNECT packets the server sends it. */
export async function connectedClient(
  url: string,
  options: IClientOptions,
): Promise<{ client: MqttClient; serverDisconnects: number[] }> {
  const client = await mqtt.connectAsync(url, { reconnectPeriod: 0, ...options });
  const serverDisconnects: number[] = [];
  client.on('disconnect', (packet) => serverDisconnects.push(packet.reasonCode ?? 0));
  client.on('error', () => undefined);
  return { client, serverDisconnects };
}

/**
 * Mosquitto's own command-line client (libmosquitto, a second MQTT implementation): publishes one message and
 * disconnects. Resolves with its exit code and what it printed with `-d`.
 */
export function mosquittoPub(args: string[]): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile(
      'mosquitto_pub',
      ['-d', '-t', 'test/topic', '-m', 'hello', ...args],
      { timeout: 10_000 },
      (error, stdout, stderr) =>
        resolve({
          code: error ? Number((error as { code?: number }).code ?? 1) : 0,
          output: stdout + stderr,
        }),
    );
  });
}
