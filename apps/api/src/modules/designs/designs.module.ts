import { Module } from '@nestjs/common';
import { DesignRegistry } from './design-registry.service';
import { DesignsController } from './designs.controller';
import { DesignsService } from './designs.service';

@Module({
  controllers: [DesignsController],
  providers: [DesignRegistry, DesignsService],
  exports: [DesignRegistry, DesignsService],
})
export class DesignsModule {}
