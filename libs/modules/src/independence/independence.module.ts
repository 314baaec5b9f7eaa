import { Module } from '@nestjs/common';
import { IdentityModule } from '../identity/identity.module';
import { IndependencePolicy } from './independence.policy';
import { IndependenceRepository } from './independence.repository';

@Module({
  imports: [IdentityModule],
  providers: [IndependencePolicy, IndependenceRepository],
  exports: [IndependencePolicy],
})
export class IndependenceModule {}
