import { Inject, Injectable } from '@nestjs/common';
import type { Documents, EventLog, Retention } from '#libs/event-store';
import { EVENT_STORE } from '#libs/platform';
import {
  batchClientStatus,
  clientStatus,
  closeConnection,
  groupClients,
} from '../client-status/read-client-status.js';
import { readClientTrace } from '../client-status/read-client-trace.js';
import { Peers } from '../health/peers.js';
import { read, write, type Methods } from './grpc-call.js';

/** mqtt_status_relay.v1.ClientStatusService: the same queries as REST's client status, trace and close. */
@Injectable()
export class ClientStatusGrpcService {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventLog & Retention & Documents,
    private readonly peers: Peers,
  ) {}

  readonly methods: Methods = {
    GetClientStatus: read(({ clientId }) => clientStatus(this.store, clientId)),
    BatchGetClientStatus: read((body) => batchClientStatus(this.store, body)),
    ListGroupClients: read(({ onlineOnly, ...query }) =>
      groupClients(this.store, { ...query, ...(onlineOnly === true && { online: 'true' }) }),
    ),
    GetClientTrace: read(({ clientId, ...query }) => readClientTrace(this.store, clientId ?? '', query)),
    CloseConnection: write(({ clientId }) => closeConnection(this.peers, clientId)),
  };
}
