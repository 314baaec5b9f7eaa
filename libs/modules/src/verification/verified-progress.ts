import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { standingVerifiedPercent } from '@pelekan/core';
import { groupBy } from '../common/group-by';
import { VerificationRepository } from './verification.repository';

/**
 * The one place an item's verified percent is re-derived from its rulings (core
 * `standingVerifiedPercent`): after a revocation, a sample holding acceptances for their field checks, a
 * field check, an appeal's overturn. Gates, installments and roll-ups read the item's percent, so what
 * this writes is what money follows.
 */
@Injectable()
export class VerifiedProgress {
  constructor(private readonly repository: VerificationRepository) {}

  /**
   * Re-derives the items' verified percents inside `tx`, locking them in id order (a caller that holds
   * an item's lock already takes it again at no cost), and returns the ids whose percent changed.
   * `stamp` records a verification act (last_verified_at) on every item; a sample's hold is not one.
   */
  async restand(tx: EntityManager, itemIds: readonly string[], stamp: boolean): Promise<string[]> {
    const ids = [...new Set(itemIds)];
    if (ids.length === 0) return [];
    const items = await this.repository.lockItems(tx, ids);
    const rulings = groupBy(await this.repository.rulingsOfItems(tx, ids), (r) => r.itemId);
    const changed: string[] = [];
    const standing = items.map((item) => {
      const percent = standingVerifiedPercent(rulings.get(item.id) ?? []);
      if (percent !== item.verifiedPercent) changed.push(item.id);
      return { itemId: item.id, percent };
    });
    if (stamp) for (const s of standing) await this.repository.setVerifiedPercent(tx, s.itemId, s.percent);
    else await this.repository.setStandingPercents(tx, standing.filter((s) => changed.includes(s.itemId)));
    return changed;
  }
}
