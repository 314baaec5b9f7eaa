import { createHmac } from 'node:crypto';
import { signatureHeader, verifyWebhook, webhookSignature } from './webhook-signature';

describe('webhook signature', () => {
  const secret = 'whsec_test_secret';
  const body = JSON.stringify({ id: 'e1', type: 'tranche.released', data: { amountRials: '1000000' } });
  const now = 1_733_210_000;

  it('is the hex HMAC-SHA256 of "timestamp.body" (a receiver can recompute it with any HMAC library)', () => {
    const expected = createHmac('sha256', secret).update(`${now}.${body}`).digest('hex');
    expect(webhookSignature(secret, now, body)).toBe(expected);
    expect(signatureHeader(secret, now, body)).toBe(`v1=${expected}`);
  });

  it('accepts the signature Pelekan sends, within the window either way', () => {
    const signature = signatureHeader(secret, now, body);
    expect(verifyWebhook(secret, { timestamp: String(now), signature }, body, { nowSeconds: now })).toEqual({ ok: true, timestamp: now });
    expect(verifyWebhook(secret, { timestamp: String(now), signature }, body, { nowSeconds: now + 300 }).ok).toBe(true);
    expect(verifyWebhook(secret, { timestamp: String(now), signature }, body, { nowSeconds: now - 300 }).ok).toBe(true);
  });

  it('refuses a tampered body, a wrong secret and a signature moved to another timestamp', () => {
    const signature = signatureHeader(secret, now, body);
    const tampered = body.replace('1000000', '9000000');
    expect(verifyWebhook(secret, { timestamp: String(now), signature }, tampered, { nowSeconds: now })).toEqual({ ok: false, reason: 'signature_mismatch' });
    expect(verifyWebhook('another', { timestamp: String(now), signature }, body, { nowSeconds: now }).ok).toBe(false);
    expect(verifyWebhook(secret, { timestamp: String(now + 1), signature }, body, { nowSeconds: now })).toEqual({ ok: false, reason: 'signature_mismatch' });
  });

  it('refuses an old or a future timestamp (replay window) even with a valid signature', () => {
    const old = now - 301;
    const oldSignature = signatureHeader(secret, old, body);
    expect(verifyWebhook(secret, { timestamp: String(old), signature: oldSignature }, body, { nowSeconds: now })).toEqual({
      ok: false,
      reason: 'timestamp_out_of_tolerance',
    });
    const future = now + 301;
    expect(verifyWebhook(secret, { timestamp: String(future), signature: signatureHeader(secret, future, body) }, body, { nowSeconds: now }).ok).toBe(false);
    expect(verifyWebhook(secret, { timestamp: String(old), signature: oldSignature }, body, { nowSeconds: now, toleranceSeconds: 600 }).ok).toBe(true);
  });

  it('refuses malformed headers without throwing', () => {
    const signature = signatureHeader(secret, now, body);
    expect(verifyWebhook(secret, { timestamp: undefined, signature }, body, { nowSeconds: now }).ok).toBe(false);
    expect(verifyWebhook(secret, { timestamp: '12.5', signature }, body, { nowSeconds: now })).toEqual({ ok: false, reason: 'malformed_timestamp' });
    expect(verifyWebhook(secret, { timestamp: String(now), signature: undefined }, body, { nowSeconds: now })).toEqual({ ok: false, reason: 'malformed_signature' });
    expect(verifyWebhook(secret, { timestamp: String(now), signature: 'v1=abc' }, body, { nowSeconds: now })).toEqual({ ok: false, reason: 'malformed_signature' });
    expect(verifyWebhook(secret, { timestamp: String(now), signature: `v0=${'0'.repeat(64)}` }, body, { nowSeconds: now }).ok).toBe(false);
  });

  it('accepts any of several v1 values (a rotation sends both)', () => {
    const good = webhookSignature(secret, now, body);
    expect(verifyWebhook(secret, { timestamp: String(now), signature: `v1=${'0'.repeat(64)}, v1=${good}` }, body, { nowSeconds: now }).ok).toBe(true);
  });
});
