import { plainToInstance, Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Matches, Max, Min, MinLength, validateSync } from 'class-validator';

const DURATION = /^\d+(\.\d+)?\s*(ms|milliseconds?|s|seconds?|m|minutes?|h|hours?|d|days?)$/;
const toInt = ({ value }: { value: unknown }) => (value === undefined || value === '' ? undefined : Number(value));
const toBool = ({ value }: { value: unknown }) =>
  value === undefined || value === '' ? undefined : ['1', 'true', 'yes'].includes(String(value).toLowerCase());

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

  @IsString()
  @MinLength(32, { message: 'JWT_SECRET must be at least 32 characters' })
  JWT_SECRET!: string;

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

  /** How often a waiting tranche re-checks its gate even without a signal (a lost signal costs at most this). */
  @Matches(DURATION)
  GATE_RECHECK_INTERVAL: string = '1 hour';

  /** The escalation sweep's period: "monthly" (calendar month, Tehran time) or a duration such as "10 seconds". */
  @Matches(/^(monthly|1 month|\d+\s*(s|seconds?|m|minutes?|h|hours?|d|days?))$/, {
    message: 'ESCALATION_PERIOD must be "monthly" or a duration such as "30 days" or "10 seconds"',
  })
  ESCALATION_PERIOD: string = 'monthly';

  /** A project with no verified update for longer than this is marked stale. */
  @Matches(/^\d+\s*(s|seconds?|m|minutes?|h|hours?|d|days?)$/, {
    message: 'STALE_AFTER must be a duration such as "90 days"',
  })
  STALE_AFTER: string = '90 days';

  /** Sign-in attempts allowed per minute for one address and username (ten times this per address). */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  LOGIN_RATE_LIMIT: number = 10;

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
}

export class InvalidConfigError extends Error {}

export function loadConfig(env: Record<string, string | undefined> = process.env): AppConfig {
  const defined = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const config = plainToInstance(AppConfig, defined, { exposeDefaultValues: true });
  // whitelist drops every environment variable that is not a setting declared above
  const errors = validateSync(config, { whitelist: true });
  if (errors.length > 0) {
    const lines = errors.map((e) => `  ${e.property}: ${Object.values(e.constraints ?? {}).join('; ')}`);
    throw new InvalidConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  return config;
}
