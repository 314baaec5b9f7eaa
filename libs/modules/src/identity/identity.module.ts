import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppConfig } from '../config';
import { AuthGuard } from './auth.guard';
import { AuthController, OrganizationsController, UsersController } from './identity.controller';
import { IdentityService } from './identity.service';
import { Organization } from './organization.entity';
import { OrganizationsService } from './organizations.service';
import { User } from './user.entity';

@Module({
  imports: [
    TypeOrmModule.forFeature([Organization, User]),
    JwtModule.registerAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({
        secret: config.JWT_SECRET,
        signOptions: { expiresIn: config.JWT_TTL as `${number}h`, algorithm: 'HS256' },
        verifyOptions: { algorithms: ['HS256'] },
      }),
    }),
  ],
  controllers: [AuthController, OrganizationsController, UsersController],
  providers: [IdentityService, OrganizationsService, { provide: APP_GUARD, useClass: AuthGuard }],
  exports: [IdentityService, OrganizationsService, TypeOrmModule],
})
export class IdentityModule {}
