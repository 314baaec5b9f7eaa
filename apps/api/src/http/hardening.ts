import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import { Logger } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppConfig, Database, IdentityService, InvalidInput, registerIdempotency, TooManyRequests, unsafeTextProblems } from '@pelekan/modules';
import { toProblem } from './problem.filter';
import { sharedStore, SharedRateLimit } from './public-limit';
import { PublicLimitRepository } from './public-limit.repository';

/**
 * Secure headers on every answer, refusal of text PostgreSQL cannot store, a rate limit on the
 * public routes (shared by every API instance), and Idempotency-Key on every mutating request.
 * Registered before the routes, so they apply to all of them. (Sign-in has its own limits, counted in
 * PostgreSQL: identity/login-limits.)
 */
export async function applyHardening(app: NestFastifyApplication, apiPrefix: string): Promise<void> {
  const config = app.get(AppConfig);
  const fastify = app.getHttpAdapter().getInstance();

  // The web app and Swagger UI load their scripts from this origin only; both use inline styles.
  await app.register(helmet, {
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

  // Once, for every route: a NUL or an unpaired surrogate anywhere in the body, the query or the
  // path parameters is a 400 naming the field, never a database error.
  fastify.addHook('preValidation', async (request, reply) => {
    const problems = [
      ...unsafeTextProblems(request.params ?? {}),
      ...unsafeTextProblems(request.query ?? {}),
      ...(request.body === undefined || Buffer.isBuffer(request.body) ? [] : unsafeTextProblems(request.body)),
    ];
    if (problems.length > 0) return reply.code(400).send(toProblem(new InvalidInput(problems)));
  });

  // The public portal and open data: PUBLIC_RATE_LIMIT requests a minute per client address, counted
  // across every API instance: each counts in memory and exchanges its counts with PostgreSQL four
  // times a second (./public-limit.ts), so an anonymous read costs no database round trip of its own.
  const db = app.get(Database);
  const counters = new PublicLimitRepository();
  const logger = new Logger('PublicRateLimit');
  let warnedAt = 0;
  const shared = new SharedRateLimit(
    {
      exchange: (adds, reads) => db.transaction((tx) => counters.exchange(tx, adds, reads)),
      purge: () => db.transaction((tx) => counters.purge(tx)),
    },
    {
      onError: (error) => {
        if (Date.now() - warnedAt < 60_000) return;
        warnedAt = Date.now();
        logger.warn(`public rate limit counted by this instance alone for now: ${error.message}`);
      },
    },
  );
  shared.start();
  fastify.addHook('onClose', async () => shared.stop());
  await app.register(rateLimit, { global: false, store: sharedStore(shared) });
  const publicLimit = fastify.rateLimit({
    max: config.PUBLIC_RATE_LIMIT,
    timeWindow: 60_000,
    keyGenerator: (request) => `public:${request.ip}`,
  });
  const publicPrefix = `/${apiPrefix}/public/`;
  fastify.addHook('onRequest', async (request, reply) => {
    if (!request.url.startsWith(publicPrefix)) return;
    try {
      await publicLimit.call(fastify, request, reply);
    } catch (error) {
      const retryAfter = Number(reply.getHeader('retry-after') ?? 60);
      reply.header('retry-after', String(retryAfter));
      return reply.code(429).send(toProblem(new TooManyRequests(`too many requests; try again in ${retryAfter} seconds`, retryAfter)));
    }
  });

  const identity = app.get(IdentityService);
  registerIdempotency(fastify, {
    db,
    userOf: (token) => identity.actorFromToken(token).then((actor) => actor.userId, () => null),
    exclude: [`/${apiPrefix}/auth/login`],
  });
}

/**
 * Fastify's `trustProxy` from TRUST_PROXY: nothing by default (the address is the connection's, and
 * X-Forwarded-For is ignored, so a client cannot choose the address its rate limit is counted on),
 * a hop count, or the proxies' addresses and ranges.
 */
export function trustProxySetting(value: string): boolean | number | string {
  const trimmed = value.trim();
  if (trimmed === '') return false;
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  return trimmed
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .join(',');
}
