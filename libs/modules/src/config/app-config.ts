import { plainToInstance, Transform } from 'class-transformer';
import { DEFAULT_STAGE_LIMITS, DURATION_PATTERN, durationMs, parseStageLimits } from '@pelekan/core';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  registerDecorator,
  validateSync,
  type ValidationArguments,
} from 'class-validator';

const DURATION = DURATION_PATTERN;
const toInt = ({ value }: { value: unknown }) => (value === undefined || value === '' ? undefined : Number(value));
const toBool = ({ value }: { value: unknown }) =>
  value === undefined || value === '' ? undefined : ['1', 'true', 'yes'].includes((typeof value === 'string' ? value : JSON.stringify(value)).toLowerCase());

/** Words of placeholder secrets (docker/.env.example and the like): such a value is never a real secret. */
const PLACEHOLDER = /change.?me|example|placeholder|secret|password|xxxx|0000000/i;

/**
 * Why `value` is not good enough as a signing key, or null. At least 32 characters that look random:
 * no placeholder wording, at least 10 different characters, no character more than a quarter of the
 * whole. A value from `openssl rand -hex 32` or `-base64 32` passes; a phrase padded to length does not.
 */
export function weakSecretReason(value: unknown): string | null {
  if (typeof value !== 'string' || value.length < 32) return 'must be at least 32 random characters (e.g. openssl rand -hex 32)';
  if (PLACEHOLDER.test(value)) return 'is a placeholder, not a secret; generate one with openssl rand -hex 32';
  const counts = new Map<string, number>();
  for (const c of value) counts.set(c, (counts.get(c) ?? 0) + 1);
  if (counts.size < 10 || Math.max(...counts.values()) > value.length / 4) {
    return 'does not look random; generate one with openssl rand -hex 32';
  }
  return null;
}

function IsStrongSecret() {
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: 'isStrongSecret',
      target: target.constructor,
      propertyName,
      validator: {
        validate: (value: unknown) => weakSecretReason(value) === null,
        defaultMessage: (args?: ValidationArguments) => `${args?.property} ${weakSecretReason(args?.value)}`,
      },
    });
}

/** Why STAGE_LIMITS (with the APPEAL_DEADLINE beside it) cannot be read, or null (core parseStageLimits). */
export function stageLimitsReason(value: unknown, appealDeadline: unknown): string | null {
  if (typeof value !== 'string') return 'must be stage=duration pairs such as "declaration_decided=10 days,tranche_paid=5 days"';
  try {
    parseStageLimits(value, typeof appealDeadline === 'string' ? appealDeadline : undefined);
    return null;
  } catch (e) {
    return (e as Error).message;
  }
}

function IsStageLimits() {
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: 'isStageLimits',
      target: target.constructor,
      propertyName,
      validator: {
        validate: (value: unknown, args?: ValidationArguments) => stageLimitsReason(value, (args?.object as AppConfig).APPEAL_DEADLINE) === null,
        defaultMessage: (args?: ValidationArguments) =>
          `${args?.property} ${stageLimitsReason(args?.value, (args?.object as AppConfig).APPEAL_DEADLINE)}`,
      },
    });
}

/** Every setting Pelekan reads from the environment, validated at boot so a bad value fails fast. */
export class AppConfig {
  /** postgres://user:pass@host:port/db */
  @IsString()
  @Matches(/^postgres(ql)?:\/\//, { message: 'DATABASE_URL must be a postgres:// URL' })
  DATABASE_URL!: string;

  @IsString()
  TEMPORAL_ADDRESS: string = 'localhost:7233';

  @IsString()
  TEMPORAL_NAMESPACE: string = 'default';

  @IsString()
  TEMPORAL_TASK_QUEUE: string = 'pelekan';

  /** Signs login tokens. */
  @IsStrongSecret()
  JWT_SECRET!: string;

  /**
   * Keys the HMAC seals over the audit chain. Held outside the database, so a chain recomputed from
   * inside PostgreSQL (even by a superuser) fails verification. Keep it apart from JWT_SECRET.
   */
  @IsStrongSecret()
  AUDIT_KEY!: string;

  /** How often each API and worker process seals the audit chain's head (a rewrite after the last seal is not caught). */
  @Matches(DURATION)
  AUDIT_SEAL_INTERVAL: string = '30 seconds';

  /**
   * TLS to Temporal (production: the cluster's frontend is never open in plain text). Set
   * TEMPORAL_TLS=true to use TLS with the system's CAs, or give the files: the CA that signed the
   * server's certificate, and for mutual TLS the client certificate and key.
   */
  @Transform(toBool)
  @IsBoolean()
  TEMPORAL_TLS: boolean = false;

  @IsOptional()
  @IsString()
  TEMPORAL_TLS_CA_FILE?: string;

  @IsOptional()
  @IsString()
  TEMPORAL_TLS_CERT_FILE?: string;

  @IsOptional()
  @IsString()
  TEMPORAL_TLS_KEY_FILE?: string;

  /** The name the server's certificate carries, when it differs from the host in TEMPORAL_ADDRESS. */
  @IsOptional()
  @IsString()
  TEMPORAL_TLS_SERVER_NAME?: string;

  /** Lifetime of a login token, e.g. "8h". */
  @Matches(DURATION)
  JWT_TTL: string = '8h';

  @IsString()
  HOST: string = '127.0.0.1';

  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT: number = 3000;

  /** Largest evidence file accepted, in bytes. */
  @Transform(toInt)
  @IsInt()
  @Min(1024)
  EVIDENCE_MAX_BYTES: number = 10 * 1024 * 1024;

  /** Evidence files one declaration may carry. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  EVIDENCE_MAX_FILES: number = 10;

  /**
   * How often a waiting tranche re-reads its gate even without a signal (±20% jitter). Signals wake a
   * tranche when its gate changes and the gate reconciler recovers a lost one, so this is a last resort:
   * each re-check is a workflow task and an activity per open tranche. Running workflows pick up a change
   * at their next gate check (the check returns it).
   */
  @Matches(DURATION, { message: 'GATE_RECHECK_INTERVAL must be a duration such as "1 day" or "5 seconds"' })
  GATE_RECHECK_INTERVAL: string = '1 day';

  /**
   * How often the gate reconciler (a Temporal Schedule) looks for open tranches whose gate opened or
   * closed without their workflow noticing (a signal lost between the API and Temporal) and signals them.
   * A lost signal costs at most this; one set-based query per run, whatever the number of tranches.
   */
  @Matches(DURATION, { message: 'TRANCHE_RECONCILE_INTERVAL must be a duration such as "5 minutes" or "2 seconds"' })
  TRANCHE_RECONCILE_INTERVAL: string = '5 minutes';

  /**
   * Workflows a worker keeps in memory between their tasks (Temporal's sticky cache). A workflow not
   * cached replays its history on its next task, a few milliseconds for a tranche; a cached one costs
   * memory for as long as it waits (about a third of a MiB). Tranches wait for days and wake rarely, so
   * a small cache serves the busy ones (an approval's tasks follow each other within seconds) and keeps
   * the worker's memory flat however many tranches are open.
   */
  @Transform(toInt)
  @IsInt()
  @Min(2)
  WORKFLOW_CACHE_SIZE: number = 500;

  /** The escalation sweep's period: "monthly" (a Jalali month, swept at Tehran midnight on its 1st) or a duration such as "10 seconds". */
  @Matches(/^(monthly|1 month|\d+\s*(s|seconds?|m|minutes?|h|hours?|d|days?))$/, {
    message: 'ESCALATION_PERIOD must be "monthly" or a duration such as "30 days" or "10 seconds"',
  })
  ESCALATION_PERIOD: string = 'monthly';

  /** How long an outbox dispatcher (e-mail, webhooks) sleeps when nothing is due; new messages wake it sooner. */
  @Matches(DURATION, { message: 'OUTBOX_POLL_INTERVAL must be a duration such as "15 seconds"' })
  OUTBOX_POLL_INTERVAL: string = '15 seconds';

  /** The wait after an outbox message's first failed attempt; it doubles after each further failure. */
  @Matches(DURATION, { message: 'OUTBOX_RETRY_INITIAL must be a duration such as "30 seconds"' })
  OUTBOX_RETRY_INITIAL: string = '30 seconds';

  /** The longest wait between two attempts of one outbox message. */
  @Matches(DURATION, { message: 'OUTBOX_RETRY_MAX must be a duration such as "1 hour"' })
  OUTBOX_RETRY_MAX: string = '1 hour';

  /** Attempts before an outbox message is marked failed and waits for an administrator's redeliver. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  OUTBOX_MAX_ATTEMPTS: number = 20;

  /**
   * Where e-mail is sent: smtp://user:pass@host:port (or smtps:// for TLS from the start). Without it,
   * mails are written as .eml files under MAIL_DIR; with neither, they wait in the outbox.
   */
  @IsOptional()
  @Matches(/^smtps?:\/\/[^\s]+$/, { message: 'SMTP_URL must be an smtp:// or smtps:// URL such as smtp://user:pass@mail.example.ir:587' })
  SMTP_URL?: string;

  /** The sender of Pelekan's e-mail: an address, optionally with a name ("Pelekan <no-reply@example.ir>"). */
  @Matches(/^(?:[^<>@]*<[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+>|[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+)$/, {
    message: 'MAIL_FROM must be an e-mail address, optionally with a name: "Pelekan <no-reply@example.ir>"',
  })
  MAIL_FROM: string = 'Pelekan <no-reply@pelekan.local>';

  /** With no SMTP_URL: the folder e-mails are written to as .eml files (npm start sets it under its data folder). */
  @IsOptional()
  @IsString()
  @Matches(/\S/, { message: 'MAIL_DIR must be a folder path' })
  MAIL_DIR?: string;

  /** Pelekan's public address (the web app and its API on one origin): links in e-mails, the OC4IDS package's `uri`. */
  @Matches(/^https?:\/\/[^\s/]+(\/[^\s]*)?$/, { message: 'PUBLIC_BASE_URL must be an http:// or https:// URL such as https://pelekan.example.ir' })
  PUBLIC_BASE_URL: string = 'http://localhost:3000';

  /** A project with no verified update for longer than this is marked stale. */
  @Matches(/^\d+\s*(s|seconds?|m|minutes?|h|hours?|d|days?)$/, {
    message: 'STALE_AFTER must be a duration such as "90 days"',
  })
  STALE_AFTER: string = '90 days';

  /** How long after a rejection or an accept-at-lower-percent its agency may appeal it. */
  @Matches(DURATION, { message: 'APPEAL_WINDOW must be a duration such as "10 days"' })
  APPEAL_WINDOW: string = '10 days';

  /** An appeal undecided this long after it was filed becomes an escalation case at the committee level. */
  @Matches(DURATION, { message: 'APPEAL_DEADLINE must be a duration such as "30 days"' })
  APPEAL_DEADLINE: string = '30 days';

  /**
   * How long each stage may take before it is a breach (core stage-clock.ts), as comma-separated
   * stage=duration pairs; a stage not named keeps its default. The appeal stage's limit is
   * APPEAL_DEADLINE. A stage open past its limit becomes a case of the party that owns it at the next sweep.
   */
  @IsStageLimits()
  STAGE_LIMITS: string = DEFAULT_STAGE_LIMITS;

  /**
   * Sign-in attempts allowed per minute for one username, whatever the address (and ten times this
   * per address). Counted in PostgreSQL, so the limit holds across every API instance.
   */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  LOGIN_RATE_LIMIT: number = 10;

  /** Password hashes computed at once per process (scrypt is CPU-bound by design). */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  PASSWORD_HASH_CONCURRENCY: number = 2;

  /** Sign-ins that may wait for a hashing slot; beyond it the answer is 503 with Retry-After. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  PASSWORD_HASH_QUEUE: number = 32;

  /** Requests a minute one address may send to the public portal and open data (one limit across every API instance). */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  PUBLIC_RATE_LIMIT: number = 600;

  /**
   * Which proxies' X-Forwarded-For to believe: empty (the default) believes none and takes the
   * client address from the connection; otherwise a comma-separated list of proxy addresses or
   * CIDR ranges (e.g. "10.0.0.0/8,127.0.0.1"), or the number of proxy hops in front of the API.
   */
  @Matches(/^$|^\d+$|^[0-9a-fA-F.:/]+(\s*,\s*[0-9a-fA-F.:/]+)*$/, {
    message: 'TRUST_PROXY must be empty, a number of hops, or a comma-separated list of addresses or CIDR ranges',
  })
  TRUST_PROXY: string = '';

  /** Connections each process keeps to PostgreSQL. */
  @Transform(toInt)
  @IsInt()
  @Min(2)
  DB_POOL_SIZE: number = 20;

  /** A statement running longer is cancelled (503, Retry-After); bulk work such as the sweep lifts it for itself. */
  @Transform(toInt)
  @IsInt()
  @Min(100)
  DB_STATEMENT_TIMEOUT_MS: number = 15_000;

  /** Waiting longer than this for a row lock gives up (503, Retry-After) instead of queueing forever. */
  @Transform(toInt)
  @IsInt()
  @Min(100)
  DB_LOCK_TIMEOUT_MS: number = 5_000;

  /** Waiting longer than this for a pooled connection gives up (503, Retry-After). */
  @Transform(toInt)
  @IsInt()
  @Min(100)
  DB_POOL_ACQUIRE_TIMEOUT_MS: number = 10_000;

  /** Serve the built web app from this folder when set. */
  @IsOptional()
  @IsString()
  WEB_DIST?: string;

  @IsIn(['error', 'warn', 'log', 'debug', 'verbose'])
  LOG_LEVEL: 'error' | 'warn' | 'log' | 'debug' | 'verbose' = 'log';

  /** Test-only fault injection (see common/failpoints.ts); never set in production. */
  @Transform(toBool)
  @IsBoolean()
  ENABLE_FAILPOINTS: boolean = false;

  /**
   * Open data in the standards: the OC4IDS project identifier prefix (projects are `<prefix>-<id>`).
   * "oc4ids-pelekan" is not registered; a prefix registered with the OC4IDS helpdesk replaces it.
   */
  @Matches(/^oc4ids-[a-z0-9]+$/, { message: 'OC4IDS_PREFIX must look like oc4ids-xxxxxx (lower-case letters and digits)' })
  OC4IDS_PREFIX: string = 'oc4ids-pelekan';

  /** The IATI organisation identifier of the reporting organisation (PBO); activities are `<ref>-<project id>`. */
  @Matches(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, { message: 'IATI_REPORTING_ORG_REF must be an organisation identifier such as XI-PELEKAN-PBO' })
  IATI_REPORTING_ORG_REF: string = 'XI-PELEKAN-PBO';

  /** How long one webhook request may take (connect, send, answer) before the attempt counts as failed. */
  @Matches(DURATION, { message: 'WEBHOOK_TIMEOUT must be a duration such as "10 seconds"' })
  WEBHOOK_TIMEOUT: string = '10 seconds';
}

export class InvalidConfigError extends Error {}

export function loadConfig(env: Record<string, string | undefined> = process.env): AppConfig {
  const defined = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const config = plainToInstance(AppConfig, defined, { exposeDefaultValues: true });
  if (config.AUDIT_KEY !== undefined && config.AUDIT_KEY === config.JWT_SECRET) {
    throw new InvalidConfigError('Invalid configuration:\n  AUDIT_KEY: must differ from JWT_SECRET');
  }
  // whitelist drops every environment variable that is not a setting declared above
  const errors = validateSync(config, { whitelist: true });
  if (errors.length > 0) {
    const lines = errors.map((e) => `  ${e.property}: ${Object.values(e.constraints ?? {}).join('; ')}`);
    throw new InvalidConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  return config;
}

/** Milliseconds of a setting such as "10 seconds" or "1.5 h" (already validated by DURATION): core's, one parser for every duration. */
export { durationMs };
