import { readFileSync } from 'node:fs';
import type { TLSConfig } from '@temporalio/client';
import type { AppConfig } from '../config';

type TemporalSettings = Pick<
  AppConfig,
  | 'TEMPORAL_ADDRESS'
  | 'TEMPORAL_TLS'
  | 'TEMPORAL_TLS_CA_FILE'
  | 'TEMPORAL_TLS_CERT_FILE'
  | 'TEMPORAL_TLS_KEY_FILE'
  | 'TEMPORAL_TLS_SERVER_NAME'
>;

/**
 * TLS settings for both the API's client and the worker's connection. A production cluster's
 * frontend must not be reachable in plain text: anyone who can reach it can signal and update
 * workflows. Plain text only when none of the TLS settings is given (the local dev server).
 */
export function temporalTls(config: TemporalSettings): TLSConfig | false {
  const files = [config.TEMPORAL_TLS_CA_FILE, config.TEMPORAL_TLS_CERT_FILE, config.TEMPORAL_TLS_KEY_FILE];
  if (!config.TEMPORAL_TLS && files.every((f) => !f) && !config.TEMPORAL_TLS_SERVER_NAME) return false;
  if (Boolean(config.TEMPORAL_TLS_CERT_FILE) !== Boolean(config.TEMPORAL_TLS_KEY_FILE)) {
    throw new Error('TEMPORAL_TLS_CERT_FILE and TEMPORAL_TLS_KEY_FILE go together (mutual TLS needs both)');
  }
  const read = (name: string, file: string) => {
    try {
      return readFileSync(file);
    } catch (error) {
      throw new Error(`${name}: cannot read ${file} (${(error as Error).message})`, { cause: error });
    }
  };
  return {
    ...(config.TEMPORAL_TLS_SERVER_NAME ? { serverNameOverride: config.TEMPORAL_TLS_SERVER_NAME } : {}),
    ...(config.TEMPORAL_TLS_CA_FILE ? { serverRootCACertificate: read('TEMPORAL_TLS_CA_FILE', config.TEMPORAL_TLS_CA_FILE) } : {}),
    ...(config.TEMPORAL_TLS_CERT_FILE && config.TEMPORAL_TLS_KEY_FILE
      ? {
          clientCertPair: {
            crt: read('TEMPORAL_TLS_CERT_FILE', config.TEMPORAL_TLS_CERT_FILE),
            key: read('TEMPORAL_TLS_KEY_FILE', config.TEMPORAL_TLS_KEY_FILE),
          },
        }
      : {}),
  };
}

/** Address and TLS of the Temporal frontend, for `Connection` (client) and `NativeConnection` (worker) alike. */
export function temporalConnectionOptions(config: TemporalSettings): { address: string; tls: TLSConfig | false } {
  return { address: config.TEMPORAL_ADDRESS, tls: temporalTls(config) };
}
