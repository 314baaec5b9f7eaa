import { DynamicModule, Global, Module } from '@nestjs/common';
import { AppConfig, loadConfig } from './app-config';

@Global()
@Module({})
export class ConfigModule {
  /** Reads the environment, with `overrides` on top (tests pass their own database and queue). */
  static forRoot(overrides: Record<string, string | undefined> = {}): DynamicModule {
    return {
      module: ConfigModule,
      providers: [{ provide: AppConfig, useFactory: () => loadConfig({ ...process.env, ...overrides }) }],
      exports: [AppConfig],
    };
  }
}
