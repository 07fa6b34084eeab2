import { createSecretKey } from 'node:crypto';
import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { AppConfig } from '../../infra/config/app-config';
import { DatabaseModule } from '../../infra/database/database.module';
import { AdminBootstrapService } from './admin-bootstrap.service';
import { ApiTokenAuthenticator } from './api-token-authenticator.service';
import { AuthController } from './auth.controller';
import { AuthService } from './auth.service';
import { AdminGuard } from './guards/admin.guard';
import { JwtAuthGuard } from './guards/jwt-auth.guard';
import { DesignsModule } from '../designs/designs.module';
import { LoginThrottle } from './login-throttle.service';
import { DesignMeDirectory, MeDirectory } from './me-directory';
import { MeController } from './me.controller';
import { OperatorDirectory } from './operator-directory.service';
import { PasswordHasher } from './password-hasher.service';
import { PasswordPolicy } from './password-policy.service';
import { SessionsService } from './sessions.service';
import { ACCESS_TOKEN_TTL_SECONDS, TokenService } from './token.service';

/**
 * Login, refresh and logout, access tokens, integrator API tokens, the global auth guard, `@AdminOnly()`,
 * `@RequireScope()`, `GET /v1/me`, `PUT /v1/me/password`, the password policy and the admin bootstrap.
 */
@Module({
  imports: [
    DatabaseModule,
    DesignsModule,
    JwtModule.registerAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({
        // A key object made once: with a string secret, jsonwebtoken first tries (and fails) createPublicKey on
        // every verification.
        secret: createSecretKey(Buffer.from(config.jwtSecret)) as unknown as string,
        signOptions: { algorithm: 'HS256', expiresIn: ACCESS_TOKEN_TTL_SECONDS, issuer: 'opkernel' },
        verifyOptions: { algorithms: ['HS256'], issuer: 'opkernel' },
      }),
    }),
  ],
  controllers: [AuthController, MeController],
  providers: [
    AuthService,
    TokenService,
    SessionsService,
    LoginThrottle,
    PasswordPolicy,
    ApiTokenAuthenticator,
    OperatorDirectory,
    PasswordHasher,
    AdminGuard,
    AdminBootstrapService,
    { provide: MeDirectory, useClass: DesignMeDirectory },
    { provide: APP_GUARD, useClass: JwtAuthGuard },
  ],
  exports: [
    TokenService,
    ApiTokenAuthenticator,
    OperatorDirectory,
    PasswordHasher,
    PasswordPolicy,
    SessionsService,
    AdminGuard,
  ],
})
export class AuthModule {}
