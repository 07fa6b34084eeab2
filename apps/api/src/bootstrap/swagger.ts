import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';

/** Serves the OpenAPI document: UI at `/api/docs`, JSON at `/api/docs-json`; bearer auth declared. */
export function setupSwagger(app: INestApplication): void {
  const config = new DocumentBuilder()
    .setTitle('opkernel API')
    .setDescription(
      'Business-process kernel. Errors are RFC 9457 application/problem+json. ' +
        'People authenticate with POST /api/v1/auth/login and send Authorization: Bearer <accessToken> (15 minutes; ' +
        'POST /api/v1/auth/refresh with the refresh token gets the next one). Integrations send an API token instead ' +
        '(Authorization: Bearer opk_…, created by an administrator at POST /api/v1/api-tokens) whose scopes ' +
        '(processes:read, processes:write, designs:write) decide which routes it may use.',
    )
    .setVersion('1')
    .addBearerAuth({
      type: 'http',
      scheme: 'bearer',
      bearerFormat: 'JWT or opk_ API token',
      description: 'A person’s access token (JWT) or an integrator API token (opk_…, with scopes)',
    })
    .build();
  const document = SwaggerModule.createDocument(app, config);
  SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/docs-json' });
}
