import { join, resolve } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import protobuf from 'protobufjs';

/**
 * A plain @grpc/grpc-js caller of rule-manager's gRPC API, loaded from the repository's .proto files with
 * @grpc/proto-loader, as another team's service would be (no Nest client, no code of the app).
 */
const ROOT = resolve(import.meta.dirname, '../..');
const API_FILES = ['rules', 'groups', 'rocketmq_instances', 'client_status', 'delivery', 'presence'].map(
  (name) => `mqtt_status_relay/v1/${name}.proto`,
);
const OPTIONS = {
  longs: String,
  enums: String,
  defaults: true,
  includeDirs: [join(ROOT, 'libs/contracts/proto')],
};

type Service = grpc.ServiceClientConstructor;
const api = grpc.loadPackageDefinition(protoLoader.loadSync(API_FILES, OPTIONS)) as unknown as {
  mqtt_status_relay: { v1: Record<string, Service> };
};
const healthProto = join(ROOT, 'node_modules/grpc-health-check/proto/health/v1/health.proto');
const reflectionProto = join(
  ROOT,
  'node_modules/@grpc/reflection/build/proto/grpc/reflection/v1/reflection.proto',
);
const standard = grpc.loadPackageDefinition(
  protoLoader.loadSync([healthProto, reflectionProto], OPTIONS),
) as any;

const google = new protobuf.Root();
google.resolvePath = (_origin, target) => join(ROOT, 'node_modules/google-proto-files', target);
google.loadSync(['google/rpc/status.proto', 'google/rpc/error_details.proto']);

/** What a refused call carries: its code and message, and the google.rpc.Status details decoded by type. */
export interface Refusal {
  code: grpc.status;
  message: string;
  details: Record<string, any>;
}

export function refusalOf(error: grpc.ServiceError): Refusal {
  const [bin] = error.metadata.get('grpc-status-details-bin');
  const status = bin
    ? (google.lookupType('google.rpc.Status').decode(bin as Buffer) as any)
    : { details: [] };
  const details: Record<string, any> = {};
  for (const any of status.details) {
    // protobufjs bundles google.protobuf.Any as written: type_url.
    const type = String(any.type_url).replace('type.googleapis.com/', '');
    details[type] = google.lookupType(type).toObject(google.lookupType(type).decode(any.value));
  }
  return { code: error.code, message: error.details, details };
}

export type Answer = { ok: true; value: any } | ({ ok: false } & Refusal);

export interface GrpcApi {
  /** Calls `Service.Method`, with `token` as `authorization: Bearer` when given; resolves with the answer. */
  call(service: string, method: string, request: object, token?: string): Promise<Answer>;
  /** Opens PresenceService.WatchPresence; the caller reads, and cancels, the stream. */
  watch(request: object, token?: string): grpc.ClientReadableStream<any>;
  health(service: string): Promise<string>;
  /** The services reflection lists, and the descriptor file that defines `symbol`. */
  reflect(symbol: string): Promise<{ services: string[]; files: Buffer[] }>;
  close(): void;
}

export function grpcApi(address: string, credentials = grpc.credentials.createInsecure()): GrpcApi {
  const clients = new Map<string, grpc.Client>();
  const client = (name: string, constructor: Service) => {
    if (!clients.has(name)) clients.set(name, new constructor(address, credentials));
    return clients.get(name) as any;
  };
  return {
    call(service, method, request, token) {
      const metadata = new grpc.Metadata();
      if (token !== undefined) metadata.set('authorization', `Bearer ${token}`);
      const options = { deadline: Date.now() + 10_000 };
      return new Promise((resolve, reject) =>
        client(service, api.mqtt_status_relay.v1[service]!)[method](
          request,
          metadata,
          options,
          (error: any, value: any) => {
            try {
              resolve(error ? { ok: false, ...refusalOf(error) } : { ok: true, value });
            } catch (undecodable) {
              reject(undecodable);
            }
          },
        ),
      );
    },
    watch(request, token) {
      const metadata = new grpc.Metadata();
      if (token !== undefined) metadata.set('authorization', `Bearer ${token}`);
      return client('PresenceService', api.mqtt_status_relay.v1['PresenceService']!).WatchPresence(
        request,
        metadata,
      );
    },
    health(service) {
      return new Promise((resolve, reject) =>
        client('health', standard.grpc.health.v1.Health).Check({ service }, (error: any, answer: any) =>
          error ? reject(error) : resolve(answer.status),
        ),
      );
    },
    reflect(symbol) {
      const stream = client(
        'reflection',
        standard.grpc.reflection.v1.ServerReflection,
      ).ServerReflectionInfo();
      const answers: any[] = [];
      return new Promise((resolve, reject) => {
        stream.on('data', (answer: any) => {
          answers.push(answer);
          if (answers.length < 2) return;
          stream.end();
          resolve({
            services: answers[0].listServicesResponse.service.map((s: { name: string }) => s.name),
            files: answers[1].fileDescriptorResponse.fileDescriptorProto,
          });
        });
        stream.on('error', reject);
        stream.write({ listServices: '' });
        stream.write({ fileContainingSymbol: symbol });
      });
    },
    close() {
      for (const each of clients.values()) each.close();
    },
  };
}
