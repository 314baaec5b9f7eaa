import { Injectable } from '@nestjs/common';
import { drawFraction, drawSample, ppmText, rateToPpm } from '@pelekan/core/sampling';
import { discrepancyRecordSince } from '@pelekan/core';
import type { Actor } from '../common/actor';
import { DomainEvents } from '../common/domain-events';
import { Conflict, InvalidInput, NotFound } from '../common/errors';
import { Database } from '../database/database';
import { type SampleRow, SamplesRepository } from './samples.repository';
import { OpenSampleDto, PublishedSampleView, SampleSummaryView } from './trust.dto';
import { VerifiedProgress } from './verified-progress';

/** How anyone recomputes a published sample (also in the README). */
export const SAMPLE_FORMULA =
  'draw = first 8 bytes of SHA-256(seed + ":" + declarationId) as an unsigned big-endian integer; u = draw / 2^64; ' +
  'p = 1 when the item funds or gates an open tranche of at least alwaysAboveRials (basis tranche_at_or_above), ' +
  'else min(1, baseRate × (1 + agencyDiscrepancies)) (basis agency_risk); selected when u < p. ' +
  'Recompute: node dist/apps/api/src/cli.js verify-sample <this JSON file or its URL>';

/**
 * Published samples of accepted declarations for field checks (issue 13). The draw is core sampling's;
 * this service fixes the population, records every draw and holds the selected acceptances (they stop
 * counting toward gates and installments until their field check confirms them).
 */
@Injectable()
export class SamplesService {
  constructor(
    private readonly db: Database,
    private readonly repository: SamplesRepository,
    private readonly progress: VerifiedProgress,
    private readonly events: DomainEvents,
  ) {}

  async open(actor: Actor, dto: OpenSampleDto): Promise<PublishedSampleView> {
    const from = new Date(dto.periodFrom);
    const to = new Date(dto.periodTo);
    if (to.getTime() <= from.getTime()) throw InvalidInput.field('periodTo', 'must be after periodFrom');
    if (to.getTime() > Date.now()) throw InvalidInput.field('periodTo', 'must not be in the future: a sample draws from a period that has ended');
    const baseRatePpm = rateToPpm(dto.baseRate);
    if (baseRatePpm === null) throw InvalidInput.field('baseRate', 'must be between 0 and 1 with at most six decimals');
    const { sampleId, held } = await this.db.transaction(async (tx) => {
      await this.repository.lockSamples(tx);
      const overlapping = await this.repository.overlapping(tx, from, to);
      if (overlapping) {
        throw new Conflict(`the period overlaps sample ${overlapping}: a declaration is drawn once`, 'sample_period_overlaps', { sampleId: overlapping });
      }
      const population = await this.repository.population(tx, from, to, discrepancyRecordSince(new Date()));
      const draws = drawSample(
        dto.seed,
        population.map((p) => ({
          declarationId: p.declarationId,
          largestOpenTrancheRials: p.largestOpenTrancheRials === null ? null : BigInt(p.largestOpenTrancheRials),
          agencyDiscrepancies: p.agencyDiscrepancies,
        })),
        { baseRatePpm, alwaysAboveRials: BigInt(dto.alwaysAboveRials) },
      );
      const selected = draws.filter((d) => d.selected).length;
      const id = await this.repository.insertSample(tx, {
        periodFrom: from,
        periodTo: to,
        seed: dto.seed,
        baseRatePpm,
        alwaysAboveRials: dto.alwaysAboveRials,
        openedBy: actor.userId,
        population: population.length,
        selected,
      });
      await this.repository.insertDraws(
        tx,
        id,
        draws.map((d, n) => ({ ...d, decisionId: population[n].decisionId, itemId: population[n].itemId, ownerAgencyId: population[n].ownerAgencyId, acceptedBy: population[n].acceptedBy })),
      );
      const heldItems = population.filter((_, n) => draws[n].selected).map((p) => p.itemId);
      return { sampleId: id, held: await this.progress.restand(tx, heldItems, false) };
    });
    if (held.length > 0) await this.events.publish('itemVerificationChanged', { itemIds: held });
    return this.published(sampleId);
  }

  async list(): Promise<SampleSummaryView[]> {
    return (await this.repository.samples(this.db.reader, 100)).map(toSummary);
  }

  async published(id: string): Promise<PublishedSampleView> {
    const reader = this.db.reader;
    const sample = await this.repository.sample(reader, id);
    if (!sample) throw new NotFound('verification sample', id);
    const draws = await this.repository.draws(reader, id);
    return {
      ...toSummary(sample),
      formula: SAMPLE_FORMULA,
      draws: draws.map((d) => ({
        declarationId: d.declarationId,
        itemId: d.itemId,
        itemCode: d.itemCode,
        projectCode: d.projectCode,
        ownerAgencyId: d.ownerAgencyId,
        ownerAgencyCode: d.ownerAgencyCode,
        draw: d.draw,
        u: drawFraction(BigInt(d.draw)),
        p: ppmText(d.probabilityPpm),
        basis: d.basis,
        agencyDiscrepancies: d.agencyDiscrepancies,
        selected: d.selected,
        fieldCheck: d.fieldCheck && { ...d.fieldCheck, checkedAt: new Date(d.fieldCheck.checkedAt) },
      })),
    };
  }
}

function toSummary(s: SampleRow): SampleSummaryView {
  return {
    id: s.id,
    periodFrom: s.periodFrom,
    periodTo: s.periodTo,
    seed: s.seed,
    baseRate: ppmText(s.baseRatePpm),
    alwaysAboveRials: s.alwaysAboveRials,
    openedAt: s.openedAt,
    population: s.population,
    selected: s.selected,
    checked: s.checked,
    discrepancies: s.discrepancies,
  };
}
