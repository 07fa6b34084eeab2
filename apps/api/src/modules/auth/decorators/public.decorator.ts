import { SetMetadata } from '@nestjs/common';

export const IS_PUBLIC_KEY = 'opkernel:public';

/** Marks a route (or controller) as reachable without a bearer token. */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(IS_PUBLIC_KEY, true);
