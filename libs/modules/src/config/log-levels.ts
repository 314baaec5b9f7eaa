import type { LogLevel } from '@nestjs/common';

const LEVELS: LogLevel[] = ['error', 'warn', 'log', 'debug', 'verbose'];

/** LOG_LEVEL as Nest's list of enabled levels: "warn" → error and warn; the default is "log". */
export function logLevels(level = 'log'): LogLevel[] {
  const index = LEVELS.indexOf(level as LogLevel);
  return LEVELS.slice(0, index < 0 ? 3 : index + 1);
}
