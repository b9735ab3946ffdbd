import { readFileSync } from 'node:fs';
import { Server, ServerCredentials, type ServiceDefinition } from '@grpc/grpc-js';
import { loadSync, type Options } from '@grpc/proto-loader';
import { ReflectionService } from '@grpc/reflection';
import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { HealthImplementation, protoPath as HEALTH_PROTO } from 'grpc-health-check';
import { API_PACKAGE, API_PROTO_FILES, API_SERVICES, PROTO_DIR, type ApiServiceName } from '#libs/contracts';
import { APP_CONFIG, type ApiToken, type AppConfig } from '#libs/platform';
import { API_TOKENS } from '../access/api-token.guard.js';
import { ApiTokenVerifier } from '../access/api-token-verifier.js';
import { ClientStatusGrpcService } from './client-status.grpc-service.js';
import { DeliveryGrpcService } from './delivery.grpc-service.js';
import { unaryHandlers, type Methods } from './grpc-call.js';
import { GroupsGrpcService } from './groups.grpc-service.js';
import { RocketmqInstancesGrpcService } from './rocketmq-instances.grpc-service.js';
import { PresenceGrpcService } from './presence.grpc-service.js';
import { RulesGrpcService } from './rules.grpc-service.js';

/**
 * Requests arrive as plain objects with camelCase fields, only the fields the caller set (proto3 `optional` and
 * unset fields are absent), so the REST checks see what a REST body would hold; 64-bit numbers as strings.
 */
const LOADER: Options = { keepCase: false, longs: String, enums: String, defaults: false, oneofs: false };

/**
 * rule-manager's gRPC API (mqtt_status_relay.v1, libs/contracts/proto): one adapter per service over the REST
 * API's use cases, API tokens as `authorization: Bearer` metadata, TLS when configured, and the standard health
 * (grpc.health.v1) and reflection services, which need no token.
 */
@Injectable()
export class GrpcApi implements OnApplicationShutdown {
  private readonly logger = new Logger('grpc');
  private readonly server = new Server();
  private readonly health: HealthImplementation;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(API_TOKENS) tokens: ApiToken[],
    rules: RulesGrpcService,
    groups: GroupsGrpcService,
    instances: RocketmqInstancesGrpcService,
    clients: ClientStatusGrpcService,
    delivery: DeliveryGrpcService,
    private readonly presence: PresenceGrpcService,
  ) {
    const verifier = new ApiTokenVerifier(tokens);
    const definition = loadSync([...API_PROTO_FILES], { ...LOADER, includeDirs: [PROTO_DIR] });
    const services: Record<Exclude<ApiServiceName, 'PresenceService'>, Methods> = {
      RuleService: rules.methods,
      GroupService: groups.methods,
      RocketmqInstanceService: instances.methods,
      ClientStatusService: clients.methods,
      DeliveryService: delivery.methods,
    };
    const service = (name: ApiServiceName) => definition[`${API_PACKAGE}.${name}`] as ServiceDefinition;
    for (const [name, methods] of Object.entries(services))
      this.server.addService(service(name as ApiServiceName), unaryHandlers(methods, verifier, this.logger));
    this.server.addService(presence.definition(service('PresenceService')), presence.handlers(verifier));
    this.health = new HealthImplementation({
      '': 'SERVING',
      ...Object.fromEntries(API_SERVICES.map((name) => [`${API_PACKAGE}.${name}`, 'SERVING' as const])),
    });
    this.health.addToServer(this.server);
    // Reflection describes the files as written (snake_case fields), as grpcurl expects them.
    const described = loadSync([...API_PROTO_FILES, HEALTH_PROTO], {
      keepCase: true,
      includeDirs: [PROTO_DIR],
    });
    new ReflectionService(described).addToServer(this.server);
  }

  /** Binds GRPC_PORT on every interface, as the HTTP API does: `host:port (TLS)` for the start-up line. */
  async listen(): Promise<string> {
    const { grpcPort, grpcTls } = this.config;
    const credentials = grpcTls
      ? ServerCredentials.createSsl(
          null,
          [{ cert_chain: readFileSync(grpcTls.certFile), private_key: readFileSync(grpcTls.keyFile) }],
          false,
        )
      : ServerCredentials.createInsecure();
    await new Promise<number>((resolve, reject) =>
      this.server.bindAsync(`0.0.0.0:${grpcPort}`, credentials, (error, port) => {
        // grpc-js names the cause only in its message: give it the code listenOn turns into a ConfigError.
        if (error && /EADDRINUSE/.test(error.message)) Object.assign(error, { code: 'EADDRINUSE' });
        if (error) reject(error);
        else resolve(port);
      }),
    );
    return `grpc${grpcTls ? 's' : ''}://localhost:${grpcPort}`;
  }

  async onApplicationShutdown(): Promise<void> {
    for (const name of ['', ...API_SERVICES.map((name) => `${API_PACKAGE}.${name}`)])
      this.health.setStatus(name, 'NOT_SERVING');
    this.presence.endAll();
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => this.server.forceShutdown(), 5_000);
      this.server.tryShutdown(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}
