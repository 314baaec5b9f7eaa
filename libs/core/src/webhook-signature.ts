/**
 * Signed webhooks (issue 15): how Pelekan signs what it sends to a subscriber, and how a receiver checks it.
 *
 *   Pelekan-Timestamp: <unix seconds>
 *   Pelekan-Signature: v1=<hex HMAC-SHA256(secret, `${timestamp}.${rawBody}`)>
 *
 * The timestamp is signed with the body, so a captured request cannot be replayed outside the tolerance
 * window (default five minutes either way); the comparison is constant-time. A receiver may accept more
 * than one `v1=` value separated by commas (a future secret rotation sends both). Kept out of the core's
 * index: it uses node:crypto, and the index is also the web app's (import it as '@pelekan/core/webhook-signature').
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'Pelekan-Signature';
export const TIMESTAMP_HEADER = 'Pelekan-Timestamp';
export const EVENT_ID_HEADER = 'Pelekan-Event-Id';
export const EVENT_TYPE_HEADER = 'Pelekan-Event-Type';

/** How far (seconds) a timestamp may be from the receiver's clock, either way, by default. */
export const DEFAULT_TOLERANCE_SECONDS = 300;

/** The hex HMAC-SHA256 of `${timestamp}.${rawBody}` under the secret. */
export function webhookSignature(secret: string, timestamp: number, rawBody: string): string {
  if (!Number.isSafeInteger(timestamp)) throw new RangeError(`timestamp must be whole unix seconds, not ${timestamp}`);
  return createHmac('sha256', secret).update(`${timestamp}.${rawBody}`, 'utf8').digest('hex');
}

/** The header value Pelekan sends: `v1=<hex>`. */
export function signatureHeader(secret: string, timestamp: number, rawBody: string): string {
  return `v1=${webhookSignature(secret, timestamp, rawBody)}`;
}

export type VerifyResult =
  | { ok: true; timestamp: number }
  | { ok: false; reason: 'malformed_timestamp' | 'timestamp_out_of_tolerance' | 'malformed_signature' | 'signature_mismatch' };

export interface VerifyOptions {
  /** Seconds either way; default DEFAULT_TOLERANCE_SECONDS. */
  toleranceSeconds?: number;
  /** The receiver's clock (unix seconds); default now. */
  nowSeconds?: number;
}

/**
 * Checks a delivery: the timestamp header within the tolerance of now, and one of the `v1=` signatures
 * equal (constant-time) to the HMAC of `${timestamp}.${rawBody}`. `rawBody` must be the bytes as received
 * (decoded as UTF-8), not a re-serialized object.
 */
export function verifyWebhook(
  secret: string,
  headers: { timestamp: string | undefined; signature: string | undefined },
  rawBody: string,
  options: VerifyOptions = {},
): VerifyResult {
  const tolerance = options.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  const now = options.nowSeconds ?? Math.floor(Date.now() / 1000);
  if (!headers.timestamp || !/^\d{1,12}$/.test(headers.timestamp)) return { ok: false, reason: 'malformed_timestamp' };
  const timestamp = Number(headers.timestamp);
  if (Math.abs(now - timestamp) > tolerance) return { ok: false, reason: 'timestamp_out_of_tolerance' };
  const candidates = (headers.signature ?? '')
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part.startsWith('v1='))
    .map((part) => part.slice(3));
  if (candidates.length === 0 || candidates.some((c) => !/^[0-9a-f]{64}$/.test(c))) return { ok: false, reason: 'malformed_signature' };
  const expected = Buffer.from(webhookSignature(secret, timestamp, rawBody), 'hex');
  let matched = false;
  for (const candidate of candidates) {
    // every candidate is compared, so the time taken does not tell which one (or whether any) matched
    if (timingSafeEqual(expected, Buffer.from(candidate, 'hex'))) matched = true;
  }
  return matched ? { ok: true, timestamp } : { ok: false, reason: 'signature_mismatch' };
}
