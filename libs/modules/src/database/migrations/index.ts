import { ReleaseEngine1732300000000 } from './1732300000000-release-engine';
import { Governance1732400000000 } from './1732400000000-governance';
import { AuditAndIdempotency1732500000000 } from './1732500000000-audit-and-idempotency';
import { AuditBulkStatements1732600000000 } from './1732600000000-audit-bulk-statements';
import { ItemIndexes1732700000000 } from './1732700000000-item-indexes';
import { SealTheMoneyPath1732800000000 } from './1732800000000-seal-the-money-path';
import { SweepAtScale1732900000000 } from './1732900000000-sweep-at-scale';
import { ReadIndexes1732910000000 } from './1732910000000-read-indexes';
import { MoneyFollowsResults1733000000000 } from './1733000000000-money-follows-results';
import { VerificationYouCanTrust1733100000000 } from './1733100000000-verification-you-can-trust';
import { StageClocks1733110000000 } from './1733110000000-stage-clocks';
import { EmailOutbox1733200000000 } from './1733200000000-email-outbox';
import { Webhooks1733210000000 } from './1733210000000-webhooks';

/** Every migration, oldest first. Listed by hand so builds and tests run exactly the same set. */
export const MIGRATIONS = [ReleaseEngine1732300000000, Governance1732400000000, AuditAndIdempotency1732500000000, AuditBulkStatements1732600000000, ItemIndexes1732700000000, SealTheMoneyPath1732800000000, SweepAtScale1732900000000, ReadIndexes1732910000000, MoneyFollowsResults1733000000000, VerificationYouCanTrust1733100000000, StageClocks1733110000000, EmailOutbox1733200000000, Webhooks1733210000000];
