import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Role } from '../common/actor';
import { Forbidden, Unauthorized } from '../common/errors';
import { ALLOWED_ROLES, PUBLIC_ROUTE } from './auth.decorators';
import { IdentityService } from './identity.service';

/** Global guard: every route needs a valid token unless marked @Public(), and a listed role if @Roles(). */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly identity: IdentityService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets)) return true;

    const request = context.switchToHttp().getRequest();
    const header: string | undefined = request.headers?.authorization;
    const match = header ? /^Bearer\s+(\S+)$/i.exec(header) : null;
    if (!match) throw new Unauthorized('send "Authorization: Bearer <token>"; get a token from POST /auth/login');
    const actor = await this.identity.actorFromToken(match[1]);
    request.actor = actor;

    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ALLOWED_ROLES, targets);
    if (roles && !roles.includes(actor.role)) {
      throw new Forbidden(`this action needs the role ${roles.join(' or ')}; you are ${actor.role}`, 'role_not_allowed');
    }
    return true;
  }
}
