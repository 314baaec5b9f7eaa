import { DynamicModule, Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSourceOptions } from 'typeorm';
import { AppConfig } from '../config';
import { Database } from './database';
import { MIGRATIONS } from './migrations';
import { SnakeNamingStrategy } from './naming-strategy';

export interface PoolTuning {
  poolSize: number;
  statementTimeoutMs: number;
  lockTimeoutMs: number;
  acquireTimeoutMs: number;
}

/** Bounds for interactive work: a runaway query or a lock held too long fails fast (503) instead of piling up. */
export function poolTuning(config: AppConfig): PoolTuning {
  return {
    poolSize: config.DB_POOL_SIZE,
    statementTimeoutMs: config.DB_STATEMENT_TIMEOUT_MS,
    lockTimeoutMs: config.DB_LOCK_TIMEOUT_MS,
    acquireTimeoutMs: config.DB_POOL_ACQUIRE_TIMEOUT_MS,
  };
}

/** Without tuning (migrations, operator commands): one long-lived connection, no time limits. */
export function dataSourceOptions(url: string, tuning?: PoolTuning): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    namingStrategy: new SnakeNamingStrategy(),
    migrations: MIGRATIONS,
    migrationsTransactionMode: 'each',
    synchronize: false,
    extra: {
      max: tuning?.poolSize ?? 20,
      application_name: 'pelekan',
      ...(tuning
        ? {
            statement_timeout: tuning.statementTimeoutMs,
            lock_timeout: tuning.lockTimeoutMs,
            connectionTimeoutMillis: tuning.acquireTimeoutMs,
          }
        : {}),
    },
  };
}

@Global()
@Module({})
export class DatabaseModule {
  static forRoot(): DynamicModule {
    return {
      module: DatabaseModule,
      imports: [
        TypeOrmModule.forRootAsync({
          inject: [AppConfig],
          useFactory: (config: AppConfig) => ({ ...dataSourceOptions(config.DATABASE_URL, poolTuning(config)), autoLoadEntities: true }),
        }),
      ],
      providers: [Database],
      exports: [Database],
    };
  }
}
