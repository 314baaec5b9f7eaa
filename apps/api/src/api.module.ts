import { DynamicModule, Module } from '@nestjs/common';
import { PelekanModule } from '@pelekan/modules';

/** The HTTP service: every domain module, served over REST. */
@Module({})
export class ApiModule {
  static forRoot(env: Record<string, string | undefined> = {}): DynamicModule {
    return { module: ApiModule, imports: [PelekanModule.forRoot(env)] };
  }
}
