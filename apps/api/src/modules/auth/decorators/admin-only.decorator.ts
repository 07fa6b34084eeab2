import { applyDecorators, UseGuards } from '@nestjs/common';
import { ApiForbiddenResponse } from '@nestjs/swagger';
import { AdminGuard } from '../guards/admin.guard';

/** Restricts a route (or controller) to administrators: others get a 403 problem. */
export const AdminOnly = (): MethodDecorator & ClassDecorator =>
  applyDecorators(UseGuards(AdminGuard), ApiForbiddenResponse({ description: 'Not an administrator (problem+json)' }));
