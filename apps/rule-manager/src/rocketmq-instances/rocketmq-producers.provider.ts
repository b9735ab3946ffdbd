import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { CredentialsCipher } from '#libs/credentials';
import { RocketmqProducers } from '#libs/rocketmq';

/** The producers of every RocketMQ instance as a Nest provider, shut down with the app. */
@Injectable()
export class RocketmqProducersProvider extends RocketmqProducers implements OnModuleDestroy {
  constructor(@Inject(CredentialsCipher) cipher: CredentialsCipher) {
    super((ciphertext) => cipher.decrypt(ciphertext), new Logger('rocketmq'));
  }

  onModuleDestroy(): Promise<void> {
    return this.shutdown();
  }
}
