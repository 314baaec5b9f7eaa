import { Module } from '@nestjs/common';
import { InboxModule } from '../inbox/inbox.module';
import { ProjectsModule } from '../projects/projects.module';
import { ChallengesController } from './challenges.controller';
import { ChallengesRepository } from './challenges.repository';
import { ChallengesService } from './challenges.service';

@Module({
  imports: [ProjectsModule, InboxModule],
  controllers: [ChallengesController],
  providers: [ChallengesRepository, ChallengesService],
  exports: [ChallengesService],
})
export class ChallengesModule {}
