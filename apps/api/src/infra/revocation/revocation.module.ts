import { Global, Module } from '@nestjs/common';
import { RevocationBus } from './revocation.bus';

/** Provides the one {@link RevocationBus} of the app (global: auth, operators, designs and live use it). */
@Global()
@Module({ providers: [RevocationBus], exports: [RevocationBus] })
export class RevocationModule {}
