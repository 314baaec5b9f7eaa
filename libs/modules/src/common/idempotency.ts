/**
 * Idempotency-Key for every mutating request (POST, PUT, PATCH, DELETE).
 *
 * The first request with a key reserves it (a row `in_progress`, inserted before the handler runs,
 * unique per user and key) and, once answered, stores its status and body. A repeat with the same
 * key gets that stored answer (header `Idempotent-Replayed: true`) and nothing runs again. A repeat
 * while the first is still running waits for it (then replays), or after IDEMPOTENCY_WAIT_MS gets
 * 409. The same key with another method, path or body is refused with 422. 5xx answers and transient
 * refusals (429, retryable 409s) are not stored: the key is released so the client may retry.
 * Keys are kept for 24 hours.
 */
import { createHash } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Database } from '../database/database';
import { IdempotencyRepository } from './idempotency.repository';

export const IDEMPOTENCY_HEADER = 'idempotency-key';
const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;
/** Codes of 409 answers that say "try again": not stored. */
const TRANSIENT_CODES = new Set(['db_40001', 'db_40P01', 'db_55P03', 'idempotency_key_in_progress']);

export interface IdempotencyOptions {
  /** The application's Database: the hooks write through its transactions and read through its pool. */
  db: Database;
  /** The user id behind a bearer token, or null when it is not valid (the route's guard answers then). */
  userOf: (token: string) => Promise<string | null>;
  /** Paths that never take a key (login: nothing to repeat, and its answer is a secret). */
  exclude?: string[];
  waitMs?: number;
}

interface Reservation {
  id: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    idempotency?: Reservation;
  }
}

function problem(reply: FastifyReply, statusCode: number, code: string, message: string, field?: string) {
  return reply.code(statusCode).send({
    statusCode,
    error: STATUS_CODES[statusCode],
    code,
    message,
    ...(field ? { errors: [{ field, reason: message }] } : {}),
  });
}

/** Key order does not matter; the same JSON value always gives the same text. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'undefined';
}

/** What makes two requests "the same": method, URL and body (for multipart: its length). */
export function requestFingerprint(request: FastifyRequest): string {
  const type = String(request.headers['content-type'] ?? '');
  const body = type.startsWith('multipart/')
    ? `multipart:${request.headers['content-length'] ?? ''}`
    : canonicalJson(request.body ?? null);
  return createHash('sha256').update(`${request.method}\n${request.url}\n${body}`).digest('hex');
}

export function registerIdempotency(fastify: FastifyInstance, options: IdempotencyOptions): void {
  const { db } = options;
  const keys = new IdempotencyRepository();
  const exclude = new Set(options.exclude ?? []);
  const waitMs = options.waitMs ?? 10_000;
  let reservations = 0;

  // The hooks run outside the handler's transaction (before it opens, after it closed): each write
  // here is its own small transaction, each read goes through the pool.
  fastify.addHook('preHandler', async (request, reply) => {
    const raw = request.headers[IDEMPOTENCY_HEADER];
    if (raw === undefined || !MUTATING.has(request.method)) return;
    const path = request.routeOptions?.url ?? request.url.split('?')[0];
    if (exclude.has(path)) return;
    const key = Array.isArray(raw) ? raw[0] : raw;
    if (!KEY_PATTERN.test(key)) {
      return problem(reply, 400, 'invalid_idempotency_key', 'Idempotency-Key must be 1 to 255 visible ASCII characters', 'Idempotency-Key');
    }
    const bearer = /^Bearer\s+(\S+)$/i.exec(String(request.headers.authorization ?? ''));
    const userId = bearer ? await options.userOf(bearer[1]) : null;
    if (!userId) return; // the route's guard refuses the request; nothing to remember

    const fingerprint = requestFingerprint(request);
    if (++reservations % 200 === 0) {
      void db.transaction((tx) => keys.purgeExpired(tx)).catch(() => undefined);
    }
    const deadline = Date.now() + waitMs;
    for (;;) {
      const reserved = await db.transaction((tx) =>
        keys.reserve(tx, { userId, key, method: request.method, path: request.url, requestHash: fingerprint }),
      );
      if (reserved) {
        request.idempotency = { id: reserved };
        return;
      }
      const first = await keys.find(db.reader, userId, key);
      if (!first) continue; // released meanwhile (its first answer was not stored): reserve again
      if (first.requestHash !== fingerprint) {
        return problem(
          reply,
          422,
          'idempotency_key_reused',
          `this Idempotency-Key was already used for another request (${first.method} ${first.path} with a different body); use a new key for a new request`,
          'Idempotency-Key',
        );
      }
      if (first.state === 'done') {
        reply.header('idempotent-replayed', 'true');
        if (first.type) reply.header('content-type', first.type);
        return reply.code(first.status ?? 200).send(first.body ?? '');
      }
      if (Date.now() > deadline) {
        reply.header('retry-after', '1');
        return problem(reply, 409, 'idempotency_key_in_progress', 'a request with this Idempotency-Key is still being processed; retry shortly');
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  });

  fastify.addHook('onSend', async (request, reply, payload) => {
    const reservation = request.idempotency;
    if (!reservation) return payload;
    request.idempotency = undefined;
    const status = reply.statusCode;
    const storable =
      status < 500 && status !== 429 && (typeof payload === 'string' || Buffer.isBuffer(payload) || payload == null) && !transient(status, payload);
    try {
      if (storable) {
        const body = payload == null ? '' : Buffer.isBuffer(payload) ? payload.toString('utf8') : payload;
        const type = String(reply.getHeader('content-type') ?? '') || null;
        await db.transaction((tx) => keys.storeAnswer(tx, reservation.id, { status, type, body }));
      } else {
        await db.transaction((tx) => keys.release(tx, reservation.id));
      }
    } catch (error) {
      request.log.warn(`could not record the answer of idempotency key ${reservation.id}: ${(error as Error).message}`);
    }
    return payload;
  });
}

function transient(status: number, payload: unknown): boolean {
  if (status !== 409 || typeof payload !== 'string') return false;
  try {
    return TRANSIENT_CODES.has(JSON.parse(payload)?.code);
  } catch {
    return false;
  }
}
