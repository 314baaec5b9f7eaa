import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import { AppConfig, IdentityService, registerIdempotency } from '@pelekan/modules';

/**
 * Secure headers on every answer, a rate limit on sign-in, and Idempotency-Key on every mutating
 * request. Registered before the routes, so they apply to all of them.
 */
export async function applyHardening(app: NestFastifyApplication, apiPrefix: string): Promise<void> {
  const config = app.get(AppConfig);
  const fastify = app.getHttpAdapter().getInstance();

  // The web app and Swagger UI load their scripts from this origin only; both use inline styles.
  await app.register(helmet as any, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:', 'blob:'],
        fontSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
    },
    crossOriginEmbedderPolicy: false,
  });

  // Sign-in: LOGIN_RATE_LIMIT attempts a minute per address and username, ten times that per address.
  await app.register(rateLimit as any, { global: false });
  const perUser = (fastify as any).rateLimit({
    max: config.LOGIN_RATE_LIMIT,
    timeWindow: 60_000,
    keyGenerator: (request: any) => `login:${request.ip}:${String(request.body?.username ?? '').trim().toLowerCase().slice(0, 64)}`,
  });
  const perAddress = (fastify as any).rateLimit({
    max: config.LOGIN_RATE_LIMIT * 10,
    timeWindow: 60_000,
    keyGenerator: (request: any) => `login-ip:${request.ip}`,
  });
  const loginPath = `/${apiPrefix}/auth/login`;
  fastify.addHook('preHandler', async (request, reply) => {
    if (request.method !== 'POST' || request.routeOptions?.url !== loginPath) return;
    try {
      await perAddress(request, reply);
      // Both limiters share the plugin's "already limited" mark on the request; clear it for the second.
      for (const mark of Object.getOwnPropertySymbols(Object.getPrototypeOf(request)).concat(Object.getOwnPropertySymbols(request))) {
        if (mark.description === 'fastify.request.rateLimitRan') (request as any)[mark] = false;
      }
      await perUser(request, reply);
    } catch (error) {
      const status = (error as { statusCode?: number }).statusCode ?? 429;
      return reply.code(status).send({
        statusCode: status,
        error: 'Too Many Requests',
        code: 'too_many_requests',
        message: `too many sign-in attempts; try again in ${reply.getHeader('retry-after') ?? 60} seconds`,
      });
    }
  });

  const identity = app.get(IdentityService);
  registerIdempotency(fastify, {
    db: app.get(DataSource),
    userOf: (token) => identity.actorFromToken(token).then((actor) => actor.userId, () => null),
    exclude: [loginPath],
  });
}

/** Every mutating operation of the OpenAPI document names the optional Idempotency-Key header. */
export function documentIdempotencyKey(document: { paths: Record<string, Record<string, any>> }): void {
  for (const [path, operations] of Object.entries(document.paths)) {
    if (path.endsWith('/auth/login')) continue;
    for (const method of ['post', 'put', 'patch', 'delete']) {
      const operation = operations[method];
      if (!operation) continue;
      operation.parameters = [
        ...(operation.parameters ?? []),
        {
          name: 'Idempotency-Key',
          in: 'header',
          required: false,
          description:
            'Any unique string (e.g. a UUID) per intended change: a repeat with the same key returns the first answer ' +
            'and changes nothing; the same key with a different request is refused with 422. Kept 24 hours.',
          schema: { type: 'string', minLength: 1, maxLength: 255, pattern: '^[\\x21-\\x7e]+$' },
        },
      ];
    }
  }
}
