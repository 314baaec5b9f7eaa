import { Module } from '@nestjs/common';
import { AdminEmailController, MyEmailController } from './mail.controller';
import { MailRepository } from './mail.repository';
import { MailService } from './mail.service';

/** E-mail: addresses and preferences, the outbox (filled by a trigger on notifications), the sender, the digests. */
@Module({ controllers: [MyEmailController, AdminEmailController], providers: [MailRepository, MailService], exports: [MailService] })
export class MailModule {}
