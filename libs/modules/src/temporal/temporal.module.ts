import { Global, Inject, Injectable, Module, OnApplicationShutdown } from '@nestjs/common';
import { Client, Connection, defaultGrpcRetryOptions, makeGrpcRetryInterceptor } from '@temporalio/client';
import { AppConfig } from '../config';
import { temporalConnectionOptions } from './temporal-connection';

/**
 * The Temporal client. The connection is lazy so the API starts, and reports itself unhealthy,
 * while Temporal is down, instead of refusing to boot.
 */
@Injectable()
export class TemporalClient implements OnApplicationShutdown {
  readonly connection: Connection;
  readonly client: Client;

  constructor(@Inject(AppConfig) readonly config: AppConfig) {
    // Few retries: while Temporal is down a request gets its 503 in about a second, not after ~20 s.
    this.connection = Connection.lazy({
      ...temporalConnectionOptions(config),
      interceptors: [makeGrpcRetryInterceptor(defaultGrpcRetryOptions({ maxAttempts: 4 }))],
    });
    this.client = new Client({ connection: this.connection, namespace: config.TEMPORAL_NAMESPACE });
  }

  get taskQueue(): string {
    return this.config.TEMPORAL_TASK_QUEUE;
  }

  /** True when the namespace answers. */
  async reachable(timeoutMs = 2000): Promise<boolean> {
    try {
      await this.connection.withDeadline(Date.now() + timeoutMs, () =>
        this.connection.workflowService.describeNamespace({ namespace: this.config.TEMPORAL_NAMESPACE }),
      );
      return true;
    } catch {
      return false;
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.connection.close().catch(() => undefined);
  }
}

@Global()
@Module({ providers: [TemporalClient], exports: [TemporalClient] })
export class TemporalModule {}
