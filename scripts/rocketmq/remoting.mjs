// A minimal client for RocketMQ's own TCP "remoting" protocol (JSON headers), for the two calls that the
// start-up needs and that would otherwise cost an admin JVM each.
//
// Frame: int32 length (of everything after it) | int32 (serializeType << 24 | headerLength) | JSON header | body.
import { connect } from 'node:net';

import { splitAddress } from './paths.mjs';

const REQUEST_CODE = { UPDATE_BROKER_CONFIG: 25, GET_BROKER_CLUSTER_INFO: 106 };
const SUCCESS = 0;
let nextOpaque = 1;

/** Sends one request and resolves with { code, remark, body } of the response. */
export function remotingRequest(address, code, { body = '', extFields = {}, timeoutMs = 3000 } = {}) {
  const [host, port] = splitAddress(address);
  const header = Buffer.from(
    JSON.stringify({
      code,
      flag: 0,
      language: 'JAVA',
      opaque: nextOpaque++,
      serializeTypeCurrentRPC: 'JSON',
      version: 0,
      extFields,
    }),
  );
  const payload = Buffer.from(body, 'utf8');
  const frame = Buffer.alloc(8);
  frame.writeInt32BE(4 + header.length + payload.length, 0);
  frame.writeInt32BE(header.length, 4); // serialize type 0 = JSON
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    let received = Buffer.alloc(0);
    socket.setTimeout(timeoutMs, () =>
      socket.destroy(new Error(`no answer from ${address} within ${timeoutMs} ms`)),
    );
    socket.on('error', reject);
    socket.on('connect', () => socket.write(Buffer.concat([frame, header, payload])));
    socket.on('data', (chunk) => {
      received = Buffer.concat([received, chunk]);
      if (received.length < 4 || received.length < 4 + received.readInt32BE(0)) return;
      socket.end();
      resolve(decodeResponse(received));
    });
  });
}

/** True when the namesrv at `namesrv` lists a broker at `brokerAddr` (i.e. routes can be served). */
export async function isBrokerRegistered(namesrv, brokerAddr) {
  const response = await remotingRequest(namesrv, REQUEST_CODE.GET_BROKER_CLUSTER_INFO);
  // The body is fastjson with numeric map keys ({0:"127.0.0.1:10911"}), not strict JSON: a text search suffices.
  return response.code === SUCCESS && response.body.includes(`"${brokerAddr}"`);
}

/**
 * Makes the broker register with the namesrv now. Setting brokerPermission (to its default, read+write)
 * triggers a synchronous registerBrokerAll in the broker (AdminBrokerProcessor.updateBrokerConfig).
 */
export async function requestBrokerRegistration(brokerAddr) {
  const response = await remotingRequest(brokerAddr, REQUEST_CODE.UPDATE_BROKER_CONFIG, {
    body: 'brokerPermission=6\n',
  });
  if (response.code !== SUCCESS)
    throw new Error(`broker ${brokerAddr} refused updateBrokerConfig: ${response.remark}`);
}

function decodeResponse(buffer) {
  const length = buffer.readInt32BE(0);
  const headerLength = buffer.readInt32BE(4) & 0xffffff;
  const header = JSON.parse(buffer.subarray(8, 8 + headerLength).toString('utf8'));
  const body = buffer.subarray(8 + headerLength, 4 + length).toString('utf8');
  return { code: header.code, remark: header.remark, body };
}
