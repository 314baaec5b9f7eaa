import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { FieldCheckOutcome } from '@pelekan/core';
import type { SampleBasis } from '@pelekan/core/sampling';
import { row, rows } from '../database/database';

/** An acceptance of the period, as the draw needs it. */
export interface PopulationRow {
  declarationId: string;
  decisionId: string;
  itemId: string;
  ownerAgencyId: string;
  acceptedBy: string;
  /** The largest open tranche the item funds or gates, rials as text; null if none. */
  largestOpenTrancheRials: string | null;
  agencyDiscrepancies: number;
}

export interface NewSample {
  periodFrom: Date;
  periodTo: Date;
  seed: string;
  baseRatePpm: number;
  alwaysAboveRials: string;
  openedBy: string;
  population: number;
  selected: number;
}

export interface NewDraw {
  declarationId: string;
  decisionId: string;
  itemId: string;
  ownerAgencyId: string;
  acceptedBy: string;
  draw: bigint;
  probabilityPpm: number;
  basis: SampleBasis;
  agencyDiscrepancies: number;
  selected: boolean;
}

export interface SampleRow {
  id: string;
  periodFrom: Date;
  periodTo: Date;
  seed: string;
  baseRatePpm: number;
  alwaysAboveRials: string;
  openedAt: Date;
  population: number;
  selected: number;
  checked: number;
  discrepancies: number;
}

export interface DrawRow {
  declarationId: string;
  itemId: string;
  itemCode: string;
  projectCode: string;
  ownerAgencyId: string;
  ownerAgencyCode: string;
  draw: string;
  probabilityPpm: number;
  basis: SampleBasis;
  agencyDiscrepancies: number;
  selected: boolean;
  fieldCheck: { outcome: FieldCheckOutcome; verifiedPercent: number; checkedAt: string } | null;
}

/** States in which a tranche still has money to pay or decide: what "open" means for the sample's certain draws. */
const OPEN_TRANCHE = `t.state NOT IN ('released', 'closed', 'rejected')`;

const SAMPLE_COLUMNS = `s.id, s.period_from AS "periodFrom", s.period_to AS "periodTo", s.seed, s.base_rate_ppm AS "baseRatePpm",
  s.always_above_rials::text AS "alwaysAboveRials", s.opened_at AS "openedAt", s.population, s.selected,
  (SELECT count(*) FROM field_checks f WHERE f.sample_id = s.id)::int AS checked,
  (SELECT count(*) FROM field_checks f WHERE f.sample_id = s.id AND f.outcome = 'discrepancy')::int AS discrepancies`;

/** Samples and their draws. Both are append-only: what was published is what held or paid money. */
@Injectable()
export class SamplesRepository {
  /** Takes the samples' lock: samples open one at a time, so two overlapping periods cannot both draw. */
  async lockSamples(tx: EntityManager): Promise<void> {
    await tx.query(`SELECT pg_advisory_xact_lock(hashtext('verification_samples'))`);
  }

  async overlapping(tx: EntityManager, from: Date, to: Date): Promise<string | null> {
    return (
      (await row<{ id: string }>(
        tx,
        `SELECT id FROM verification_samples WHERE tstzrange(period_from, period_to, '[)') && tstzrange($1, $2, '[)') LIMIT 1`,
        [from, to],
      ))?.id ?? null
    );
  }

  /**
   * The population of a period: every acceptance (fully or lower) decided in [from, to) and not revoked,
   * in declaration-id order, with the largest open tranche its item funds or gates and its agency's
   * field-check discrepancies since `discrepanciesSince` (core discrepancyRecordSince).
   */
  population(tx: EntityManager, from: Date, to: Date, discrepanciesSince: Date): Promise<PopulationRow[]> {
    return rows<PopulationRow>(
      tx,
      `WITH accepted AS (
         SELECT d.declaration_id, d.id AS decision_id, d.item_id, i.owner_agency_id, d.decided_by
           FROM verification_decisions d JOIN action_items i ON i.id = d.item_id
          WHERE d.outcome IN ('accepted', 'accepted_lower') AND d.revoked_at IS NULL
            AND d.decided_at >= $1 AND d.decided_at < $2
       ), discrepancies AS (
         SELECT f.owner_agency_id, count(*)::int AS n FROM field_checks f
          WHERE f.outcome = 'discrepancy' AND f.checked_at > $3
            AND f.owner_agency_id IN (SELECT owner_agency_id FROM accepted)
          GROUP BY f.owner_agency_id
       )
       SELECT a.declaration_id AS "declarationId", a.decision_id AS "decisionId", a.item_id AS "itemId",
              a.owner_agency_id AS "ownerAgencyId", a.decided_by AS "acceptedBy",
              (SELECT max(t.amount_rials)::text FROM tranche_items ti JOIN tranches t ON t.id = ti.tranche_id
                WHERE ti.item_id = a.item_id AND ${OPEN_TRANCHE}) AS "largestOpenTrancheRials",
              coalesce(x.n, 0) AS "agencyDiscrepancies"
         FROM accepted a LEFT JOIN discrepancies x ON x.owner_agency_id = a.owner_agency_id
        ORDER BY a.declaration_id`,
      [from, to, discrepanciesSince],
    );
  }

  async insertSample(tx: EntityManager, sample: NewSample): Promise<string> {
    const inserted = await row<{ id: string }>(
      tx,
      `INSERT INTO verification_samples (period_from, period_to, seed, base_rate_ppm, always_above_rials, opened_by, population, selected)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
      [sample.periodFrom, sample.periodTo, sample.seed, sample.baseRatePpm, sample.alwaysAboveRials, sample.openedBy, sample.population, sample.selected],
    );
    return inserted!.id;
  }

  /** Writes the draws in batches (a month's population may be tens of thousands). */
  async insertDraws(tx: EntityManager, sampleId: string, draws: readonly NewDraw[]): Promise<void> {
    for (let at = 0; at < draws.length; at += 5000) {
      const batch = draws.slice(at, at + 5000);
      await tx.query(
        `INSERT INTO sample_draws (sample_id, declaration_id, decision_id, item_id, owner_agency_id, accepted_by, draw,
                                   probability_ppm, basis, agency_discrepancies, selected)
         SELECT $1, * FROM unnest($2::uuid[], $3::uuid[], $4::uuid[], $5::uuid[], $6::uuid[], $7::numeric[], $8::int[],
                                  $9::text[], $10::int[], $11::boolean[])`,
        [
          sampleId,
          batch.map((d) => d.declarationId),
          batch.map((d) => d.decisionId),
          batch.map((d) => d.itemId),
          batch.map((d) => d.ownerAgencyId),
          batch.map((d) => d.acceptedBy),
          batch.map((d) => String(d.draw)),
          batch.map((d) => d.probabilityPpm),
          batch.map((d) => d.basis),
          batch.map((d) => d.agencyDiscrepancies),
          batch.map((d) => d.selected),
        ],
      );
    }
  }

  sample(m: EntityManager, id: string): Promise<SampleRow | null> {
    return row<SampleRow>(m, `SELECT ${SAMPLE_COLUMNS} FROM verification_samples s WHERE s.id = $1`, [id]);
  }

  /** The newest samples first. */
  samples(m: EntityManager, limit: number): Promise<SampleRow[]> {
    return rows<SampleRow>(m, `SELECT ${SAMPLE_COLUMNS} FROM verification_samples s ORDER BY s.opened_at DESC, s.id LIMIT $1`, [limit]);
  }

  /** Every draw of the sample, by declaration id, with its field check if made. */
  draws(m: EntityManager, sampleId: string): Promise<DrawRow[]> {
    return rows<DrawRow>(
      m,
      `SELECT d.declaration_id AS "declarationId", d.item_id AS "itemId", i.code AS "itemCode", p.code AS "projectCode",
              d.owner_agency_id AS "ownerAgencyId", o.code AS "ownerAgencyCode", d.draw::text AS draw,
              d.probability_ppm AS "probabilityPpm", d.basis, d.agency_discrepancies AS "agencyDiscrepancies", d.selected,
              CASE WHEN f.id IS NULL THEN NULL
                   ELSE json_build_object('outcome', f.outcome, 'verifiedPercent', f.verified_percent, 'checkedAt', f.checked_at) END AS "fieldCheck"
         FROM sample_draws d
         JOIN action_items i ON i.id = d.item_id
         JOIN projects p ON p.id = i.project_id
         JOIN organizations o ON o.id = d.owner_agency_id
         LEFT JOIN field_checks f ON f.declaration_id = d.declaration_id
        WHERE d.sample_id = $1
        ORDER BY d.declaration_id`,
      [sampleId],
    );
  }
}
