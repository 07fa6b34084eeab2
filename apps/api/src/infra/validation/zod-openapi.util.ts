import type { SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { z } from 'zod';

/**
 * The OpenAPI 3.0 schema of a zod schema, for `@ApiBody({ schema })` / `@ApiOkResponse({ schema })`, so each
 * request/response shape is declared once (in zod) and documented from it.
 */
export function zodToOpenApi(schema: z.ZodType, io: 'input' | 'output' = 'input'): SchemaObject {
  const json = z.toJSONSchema(schema, { target: 'openapi-3.0', io, unrepresentable: 'any' }) as Record<string, unknown>;
  delete json.$schema;
  return json as SchemaObject;
}
