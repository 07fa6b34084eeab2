import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';

/** Serves the OpenAPI document: UI at `/api/docs`, JSON at `/api/docs-json`; bearer auth declared. */
export function setupSwagger(app: INestApplication): void {
  const config = new DocumentBuilder()
    .setTitle('opkernel API')
    .setDescription(
      'Business-process kernel. Errors are RFC 9457 application/problem+json. ' +
        'Authenticate with POST /api/v1/auth/login, then send Authorization: Bearer <accessToken>.',
    )
    .setVersion('1')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' })
    .build();
  const document = SwaggerModule.createDocument(app, config);
  SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/docs-json' });
}
