import { Global, Module } from '@nestjs/common';
import { OutboxChannels } from './outbox-channels';
import { OutboxActivitiesImpl, OutboxDispatch } from './outbox-dispatch';
import { OutboxWakeListener } from './outbox-wake-listener';

/** What every outbound channel shares: the channel registry, the dispatch activity, the wake-up on commit. */
@Global()
@Module({
  providers: [OutboxChannels, OutboxActivitiesImpl, OutboxDispatch, OutboxWakeListener],
  exports: [OutboxChannels, OutboxActivitiesImpl, OutboxDispatch, OutboxWakeListener],
})
export class OutboxModule {}
