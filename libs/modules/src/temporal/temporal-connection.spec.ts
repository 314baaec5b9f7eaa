import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { temporalTls } from './temporal-connection';

describe('TLS to Temporal', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pelekan-tls-unit-'));
  const file = (name: string, text: string) => {
    writeFileSync(join(dir, name), text);
    return join(dir, name);
  };
  const base = { TEMPORAL_ADDRESS: 'temporal:7233', TEMPORAL_TLS: false };

  it('speaks plain text only when no TLS setting is given', () => {
    expect(temporalTls(base)).toBe(false);
    expect(temporalTls({ ...base, TEMPORAL_TLS: true })).toEqual({});
  });

  it('reads the CA, the client pair and the server name', () => {
    const tls = temporalTls({
      ...base,
      TEMPORAL_TLS_CA_FILE: file('ca.pem', 'CA'),
      TEMPORAL_TLS_CERT_FILE: file('c.pem', 'CERT'),
      TEMPORAL_TLS_KEY_FILE: file('k.pem', 'KEY'),
      TEMPORAL_TLS_SERVER_NAME: 'frontend.internal',
    });
    expect(tls).toEqual({
      serverNameOverride: 'frontend.internal',
      serverRootCACertificate: Buffer.from('CA'),
      clientCertPair: { crt: Buffer.from('CERT'), key: Buffer.from('KEY') },
    });
  });

  it('says which file it cannot read, and refuses half a client pair', () => {
    expect(() => temporalTls({ ...base, TEMPORAL_TLS_CA_FILE: join(dir, 'missing.pem') })).toThrow(/TEMPORAL_TLS_CA_FILE/);
    expect(() => temporalTls({ ...base, TEMPORAL_TLS_CERT_FILE: file('only.pem', 'x') })).toThrow(/go together/);
  });
});
