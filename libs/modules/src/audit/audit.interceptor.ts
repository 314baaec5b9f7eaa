import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import type { Observable } from 'rxjs';
import type { Actor } from '../common/actor';
import { runAsActor } from './audit-context';

/**
 * Runs each HTTP handler on behalf of the caller the AuthGuard established (guards run before
 * interceptors), so the audit log names them; public routes act as "anonymous".
 */
@Injectable()
export class AuditActorInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const request = context.switchToHttp().getRequest();
    const actor: Actor | undefined = request.actor;
    const route: string = request.routeOptions?.url ?? request.url;
    // next.handle() binds the handler to the async context it is called in.
    return runAsActor({ actorId: actor?.userId ?? 'anonymous', context: `${request.method} ${route}` }, () => next.handle());
  }
}
