import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';

export const OPENAPI_UI_PATH = 'api/docs';
export const OPENAPI_JSON_PATH = 'api/docs/openapi.json';

/** The OpenAPI document, generated from the controllers: the UI at /api/docs, the JSON beside it. */
export function setupOpenApi(app: INestApplication): void {
  const config = new DocumentBuilder()
    .setTitle('mqtt-status-relay: rule-manager')
    .setDescription(
      'Client status notification rules: which MQTT groups forward connect / disconnect / tcpclean to which ' +
        'RocketMQ topic. Errors are RFC 9457 problem details with a stable code and, per field, the rule broken.',
    )
    .setVersion('v1')
    .addBearerAuth({
      type: 'http',
      scheme: 'bearer',
      description: 'a token of API_TOKENS (admin writes, viewer reads)',
    })
    .build();
  const document = SwaggerModule.createDocument(app, config);
  SwaggerModule.setup(OPENAPI_UI_PATH, app, document, { jsonDocumentUrl: OPENAPI_JSON_PATH });
}
