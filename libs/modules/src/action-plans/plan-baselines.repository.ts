import { Injectable } from '@nestjs/common';
import type { PlanSnapshot } from '@pelekan/core';
import type { EntityManager } from 'typeorm';
import { row, rows } from '../database/database';

/** A stored baseline as the project's list shows it. */
export interface BaselineRecord {
  number: number;
  createdAt: Date;
  revisionId: string | null;
  approvedBy: string | null;
  itemCount: number;
}

/** A stored baseline with the plan it fixed. */
export interface BaselinePlan {
  number: number;
  createdAt: Date;
  revisionId: string | null;
  plan: PlanSnapshot;
}

/** The SQL of plan baselines: the numbered versions of a project's plan. */
@Injectable()
export class PlanBaselinesRepository {
  /** The highest stored number, 0 when none is stored. */
  async lastNumber(m: EntityManager, projectId: string): Promise<number> {
    const found = await row<{ last: number }>(
      m,
      'SELECT coalesce(max(number), 0) AS last FROM plan_baselines WHERE project_id = $1',
      [projectId],
    );
    return found?.last ?? 0;
  }

  async count(m: EntityManager, projectId: string): Promise<number> {
    const found = await row<{ count: number }>(m, 'SELECT count(*)::int AS count FROM plan_baselines WHERE project_id = $1', [projectId]);
    return found?.count ?? 0;
  }

  async insert(
    m: EntityManager,
    baseline: { projectId: string; number: number; plan: PlanSnapshot; revisionId?: string; approvedBy?: string },
  ): Promise<void> {
    await rows(
      m,
      'INSERT INTO plan_baselines (project_id, number, revision_id, approved_by, plan) VALUES ($1, $2, $3, $4, $5)',
      [baseline.projectId, baseline.number, baseline.revisionId ?? null, baseline.approvedBy ?? null, baseline.plan],
    );
  }

  /** The stored baselines, in number order. */
  listOf(m: EntityManager, projectId: string): Promise<BaselineRecord[]> {
    return rows<BaselineRecord>(
      m,
      `SELECT b.number, b.created_at AS "createdAt", b.revision_id AS "revisionId", u.username AS "approvedBy",
              jsonb_array_length(b.plan->'items') AS "itemCount"
         FROM plan_baselines b LEFT JOIN users u ON u.id = b.approved_by WHERE b.project_id = $1 ORDER BY b.number`,
      [projectId],
    );
  }

  find(m: EntityManager, projectId: string, number: number): Promise<BaselinePlan | null> {
    return row<BaselinePlan>(
      m,
      `SELECT number, created_at AS "createdAt", revision_id AS "revisionId", plan FROM plan_baselines
        WHERE project_id = $1 AND number = $2`,
      [projectId, number],
    );
  }
}
