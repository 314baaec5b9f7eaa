import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { durationMs, InvalidConfigError, loadConfig, weakSecretReason } from './app-config';

const GOOD = '3f9c2a7be41d08f6a5c3e9b7d2014f8e6a9c3b5d7e1f0a2c4b6d8e0f1a3c5e7b';
const GOOD_2 = 'Zp8q2Lx7Vr4Nt1Kw9Hs6Jd3Fg0Bm5Cy8Xe2Qa7Wu4Io1Pl6Mk3Nj9Hb0Gv5Fc8Dd';

describe('configuration', () => {
  it('accepts secrets from openssl rand (hex or base64)', () => {
    expect(weakSecretReason(GOOD)).toBeNull();
    expect(weakSecretReason(GOOD_2)).toBeNull();
  });

  it('refuses placeholders, short values and values that are not random', () => {
    const example = readFileSync(join(__dirname, '..', '..', '..', '..', 'docker', '.env.example'), 'utf8');
    const placeholder = /^PELEKAN_JWT_SECRET=(.*)$/m.exec(example)![1];
    expect(weakSecretReason(placeholder)).toMatch(/placeholder/);
    expect(weakSecretReason('short')).toMatch(/at least 32/);
    expect(weakSecretReason('a'.repeat(64))).toMatch(/random/);
    expect(weakSecretReason('abcdabcdabcdabcdabcdabcdabcdabcd')).toMatch(/random/);
    expect(weakSecretReason('my-super-secret-jwt-signing-key-for-prod')).toMatch(/placeholder/);
  });

  it('stops at boot naming the variable, and refuses one key for two jobs', () => {
    const env = { DATABASE_URL: 'postgres://x@y/z', JWT_SECRET: GOOD, AUDIT_KEY: GOOD_2 };
    expect(loadConfig(env).AUDIT_KEY).toBe(GOOD_2);
    expect(() => loadConfig({ ...env, JWT_SECRET: 'x'.repeat(40) })).toThrow(/JWT_SECRET/);
    expect(() => loadConfig({ ...env, AUDIT_KEY: undefined })).toThrow(/AUDIT_KEY/);
    expect(() => loadConfig({ ...env, AUDIT_KEY: GOOD })).toThrow(InvalidConfigError);
    expect(() => loadConfig({ ...env, TRUST_PROXY: 'everyone' })).toThrow(/TRUST_PROXY/);
    expect(loadConfig({ ...env, TRUST_PROXY: '10.0.0.0/8, 127.0.0.1' }).TRUST_PROXY).toBe('10.0.0.0/8, 127.0.0.1');
  });

  it('reads STAGE_LIMITS at boot, and stops with a clear message when it cannot', () => {
    const env = { DATABASE_URL: 'postgres://x@y/z', JWT_SECRET: GOOD, AUDIT_KEY: GOOD_2 };
    expect(loadConfig(env).STAGE_LIMITS).toMatch(/^declaration_decided=10 days,/);
    expect(loadConfig({ ...env, STAGE_LIMITS: 'tranche_paid=2d' }).STAGE_LIMITS).toBe('tranche_paid=2d');
    expect(() => loadConfig({ ...env, STAGE_LIMITS: 'tranche_paid=soon' })).toThrow(
      'Invalid configuration:\n  STAGE_LIMITS: STAGE_LIMITS tranche_paid: "soon" is not a duration',
    );
    expect(() => loadConfig({ ...env, STAGE_LIMITS: 'paid=2d' })).toThrow(/STAGE_LIMITS: .*"paid" is not a stage/);
    expect(() => loadConfig({ ...env, APPEAL_DEADLINE: '0 days' })).toThrow(/STAGE_LIMITS: .*APPEAL_DEADLINE: "0 days" must be longer than zero/);
  });

  it('reads durations', () => {
    expect(durationMs('30 seconds')).toBe(30_000);
    expect(durationMs('1.5 h')).toBe(5_400_000);
    expect(durationMs('250ms')).toBe(250);
    expect(() => durationMs('soon')).toThrow();
  });
});
