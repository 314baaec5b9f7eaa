import { Global, Module } from '@nestjs/common';
import { OutboxChannels } from './outbox-channels';
import { OutboxActivitiesImpl, OutboxDispatch } from './outbox-dispatch';

/** What every outbound channel shares: the channel registry, the dispatch activity, the wake-up. */
@Global()
@Module({
  providers: [OutboxChannels, OutboxActivitiesImpl, OutboxDispatch],
  exports: [OutboxChannels, OutboxActivitiesImpl, OutboxDispatch],
})
export class OutboxModule {}
