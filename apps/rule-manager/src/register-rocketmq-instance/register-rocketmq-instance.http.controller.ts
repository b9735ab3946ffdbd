import { Body, Controller, HttpCode, Inject, Post, Req, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type { Request, Response } from 'express';
import { CredentialsCipher } from '#libs/platform';
import type { RocketmqInstanceRegistered } from '#libs/rules';
import { ChangeControlPlane } from '../control-plane/change-control-plane.command.js';
import { rocketmqInstanceRepresentation } from '../http/representations.js';
import { requestContext } from '../http/request-context.js';

@Controller('api/v1/rocketmq-instances')
export class RegisterRocketmqInstanceHttpController {
  constructor(
    private readonly commandBus: CommandBus,
    @Inject(CredentialsCipher) private readonly cipher: CredentialsCipher,
  ) {}

  @Post()
  @HttpCode(201)
  async register(
    @Body() body: unknown,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ) {
    const { events, state } = await this.commandBus.execute(
      new ChangeControlPlane(
        { type: 'RegisterRocketmqInstance', data: { input: body, ...this.sealCredentials(body) } },
        requestContext(request),
      ),
    );
    const instanceId = (events[0] as RocketmqInstanceRegistered).data.instanceId;
    response.location(`/api/v1/rocketmq-instances/${encodeURIComponent(instanceId)}`);
    return rocketmqInstanceRepresentation(state.rocketmqInstances[instanceId]!);
  }

  /** The secret key is encrypted here, at the edge: no event, log line or response ever holds it in clear. */
  private sealCredentials(body: unknown) {
    const { accessKey, secretKey } = (body ?? {}) as { accessKey?: unknown; secretKey?: unknown };
    if (typeof accessKey !== 'string' || typeof secretKey !== 'string') return {};
    return { credentials: { accessKey, secretKeyCiphertext: this.cipher.encrypt(secretKey) } };
  }
}
