import { Module } from '@nestjs/common';
import { createSecretKey } from 'node:crypto';
import { APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppConfig } from '../config';
import { AccountsRepository } from './accounts.repository';
import { AccountsService } from './accounts.service';
import { AuthGuard } from './auth.guard';
import { LoginLimits } from './login-limits';
import { PasswordHasher } from './password-hasher';
import { AuthController, OrganizationsController, UsersController } from './identity.controller';
import { IdentityRepository } from './identity.repository';
import { IdentityService } from './identity.service';
import { Organization } from './organization.entity';
import { OrganizationsRepository } from './organizations.repository';
import { OrganizationsService } from './organizations.service';

@Module({
  imports: [
    TypeOrmModule.forFeature([Organization]),
    JwtModule.registerAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({
        // A key object, not the text: given text, jsonwebtoken first tries (and fails) to read it as a
        // PEM public key on every verification, which cost more than the rest of the check.
        secret: createSecretKey(Buffer.from(config.JWT_SECRET)),
        signOptions: { expiresIn: config.JWT_TTL as `${number}h`, algorithm: 'HS256' },
        verifyOptions: { algorithms: ['HS256'] },
      }),
    }),
  ],
  controllers: [AuthController, OrganizationsController, UsersController],
  providers: [
    IdentityRepository,
    AccountsRepository,
    OrganizationsRepository,
    IdentityService,
    AccountsService,
    OrganizationsService,
    PasswordHasher,
    LoginLimits,
    { provide: APP_GUARD, useClass: AuthGuard },
  ],
  exports: [IdentityService, AccountsService, OrganizationsService, PasswordHasher, TypeOrmModule],
})
export class IdentityModule {}
