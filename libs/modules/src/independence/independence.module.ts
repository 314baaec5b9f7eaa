import { Module } from '@nestjs/common';
import { IdentityModule } from '../identity/identity.module';
import { IndependencePolicy } from './independence.policy';

@Module({
  imports: [IdentityModule],
  providers: [IndependencePolicy],
  exports: [IndependencePolicy],
})
export class IndependenceModule {}
