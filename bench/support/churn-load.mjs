// Many MQTT 3.1.1 clients over raw sockets (see raw-load.mjs) that come and go for as long as it runs: each
// connects (real CONNECT, waits for CONNACK), stays a random time, leaves by a clean DISCONNECT or by dropping the
// socket, stays away a random time and connects again. A socket the broker closes (a broker restart) reconnects
// after a random delay, so a restart does not bring every client back in the same second.
import { createConnection } from 'node:net';
import { generate } from 'mqtt-packet';

const KEEPALIVE_S = 300;
const DISCONNECT = generate({ cmd: 'disconnect' });
const PINGREQ = generate({ cmd: 'pingreq' });
const uniform = (min, max) => min + Math.random() * (max - min);

/**
 * Starts `clients` clients aiming at about `rate` presence events/s in steady state (a visit stores connect and
 * tcpclean, plus disconnect for the half that leave cleanly: 2.5 events on average). At most `window` CONNECTs
 * await their CONNACK at once. Returns { stats, online(), stop() }; stop() ends every client (half cleanly) and
 * resolves once their sockets are closed.
 */
export function startChurn({ port, host = '127.0.0.1', clients, rate, clientId, window = 100 }) {
  const meanVisitS = (clients * 2.5) / rate;
  const meanAwayS = Math.min(10, meanVisitS * 0.2);
  const meanStayS = meanVisitS - meanAwayS;
  const stats = {
    connects: 0,
    refused: 0,
    connectErrors: 0,
    cleanLeaves: 0,
    drops: 0,
    closedByBroker: 0,
  };
  let stopping = false;
  let connecting = 0;
  const waiting = [];
  const sockets = new Map(); // index → socket, while connected

  const later = (index, seconds) => {
    if (!stopping) setTimeout(() => queueConnect(index), seconds * 1000).unref();
  };
  const queueConnect = (index) => {
    if (stopping) return;
    if (connecting < window) connect(index);
    else waiting.push(index);
  };
  const connectDone = () => {
    connecting -= 1;
    while (!stopping && connecting < window && waiting.length > 0) connect(waiting.shift());
  };

  function connect(index) {
    connecting += 1;
    let state = 'connecting';
    const socket = createConnection(port, host);
    socket.setNoDelay(true);
    const connackTimer = setTimeout(() => socket.destroy(new Error('no CONNACK in 15 s')), 15_000);
    socket.on('error', () => undefined);
    socket.once('data', (data) => {
      clearTimeout(connackTimer);
      // CONNACK: 0x20 0x02 <session present> <return code>
      if (data[0] !== 0x20 || data[3] !== 0) {
        stats.refused += 1;
        state = 'refused';
        socket.destroy();
        return;
      }
      stats.connects += 1;
      connectDone();
      if (stopping) {
        state = 'leaving';
        socket.end(DISCONNECT);
        return;
      }
      state = 'online';
      sockets.set(index, socket);
      socket.lastPing = Date.now();
      const leave = setTimeout(
        () => {
          if (state !== 'online') return;
          state = 'leaving';
          sockets.delete(index);
          if (Math.random() < 0.5) {
            stats.cleanLeaves += 1;
            socket.end(DISCONNECT);
            setTimeout(() => socket.destroy(), 5_000).unref();
          } else {
            stats.drops += 1;
            socket.destroy();
          }
          later(index, uniform(0.5, 2 * meanAwayS));
        },
        uniform(0, 2 * meanStayS) * 1000,
      );
      leave.unref();
      socket.leaveTimer = leave;
    });
    socket.once('close', () => {
      clearTimeout(connackTimer);
      if (state === 'connecting' || state === 'refused') {
        if (state === 'connecting') stats.connectErrors += 1;
        connectDone();
        later(index, uniform(1, 5));
      } else if (state === 'online' && !stopping) {
        // The broker closed it (a restart, a kick): come back a few seconds later, spread out.
        stats.closedByBroker += 1;
        clearTimeout(socket.leaveTimer);
        sockets.delete(index);
        later(index, uniform(1, 15));
      }
      state = 'closed';
    });
    socket.write(
      generate({
        cmd: 'connect',
        clientId: clientId(index),
        protocolVersion: 4,
        clean: true,
        keepalive: KEEPALIVE_S,
      }),
    );
  }

  // Keepalive: a PINGREQ well within 1.5 × keepalive for clients that stay long.
  const pinger = setInterval(() => {
    const due = Date.now() - (KEEPALIVE_S / 2) * 1000;
    for (const socket of sockets.values())
      if (socket.lastPing < due) {
        socket.lastPing = Date.now();
        socket.write(PINGREQ);
      }
  }, 5_000);

  // The first visits are spread over one mean visit, so the load is steady from the start.
  for (let index = 0; index < clients; index++) later(index, uniform(0, meanVisitS));

  return {
    stats,
    meanStayS,
    meanAwayS,
    online: () => sockets.size,
    async stop() {
      stopping = true;
      clearInterval(pinger);
      waiting.length = 0;
      const closing = [];
      let i = 0;
      for (const socket of sockets.values()) {
        clearTimeout(socket.leaveTimer);
        closing.push(new Promise((resolve) => socket.once('close', resolve)));
        if (i++ % 2 === 0) socket.end(DISCONNECT);
        else socket.destroy();
      }
      sockets.clear();
      await Promise.race([Promise.all(closing), new Promise((resolve) => setTimeout(resolve, 10_000))]);
      // Let CONNECTs still under way settle (they get closed as they complete or fail).
      for (const deadline = Date.now() + 20_000; connecting > 0 && Date.now() < deadline;)
        await new Promise((resolve) => setTimeout(resolve, 100));
    },
  };
}
