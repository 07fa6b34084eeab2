import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';

/** Path of the Swagger UI (under the global prefix); the JSON is at `${SWAGGER_PATH}-json`. */
export const SWAGGER_PATH = 'api/docs';

/**
 * Serves the OpenAPI document: UI at `/api/docs`, JSON at `/api/docs-json`; bearer auth declared. The document is
 * built on the first request for it (then kept), not at boot: scanning every route costs start-up time and memory
 * a server that is never asked for its docs does not need.
 */
export function setupSwagger(app: INestApplication): void {
  SwaggerModule.setup(SWAGGER_PATH, app, () => SwaggerModule.createDocument(app, documentConfig()), {
    jsonDocumentUrl: `${SWAGGER_PATH}-json`,
  });
}

/** Title, description, version and security scheme of the OpenAPI document. */
function documentConfig() {
  return new DocumentBuilder()
    .setTitle('opkernel API')
    .setDescription(
      'Business-process kernel. Errors are RFC 9457 application/problem+json. ' +
        'People authenticate with POST /api/v1/auth/login and send Authorization: Bearer <accessToken> (15 minutes; ' +
        'POST /api/v1/auth/refresh with the refresh token gets the next one). Integrations send an API token instead ' +
        '(Authorization: Bearer opk_…, created by an administrator at POST /api/v1/api-tokens) whose scopes ' +
        '(processes:read, processes:write, designs:write, metrics:read) decide which routes it may use.',
    )
    .setVersion('1')
    .addBearerAuth({
      type: 'http',
      scheme: 'bearer',
      bearerFormat: 'JWT or opk_ API token',
      description: 'A person’s access token (JWT) or an integrator API token (opk_…, with scopes)',
    })
    .build();
}
