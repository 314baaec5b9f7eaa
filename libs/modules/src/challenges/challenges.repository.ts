import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { row, rows } from '../database/database';
import type { ChallengeCategory, ClaimStatus } from './dto';

export interface OrganizationRef {
  id: string;
  code: string;
  nameFa: string;
  nameEn: string;
}

/** A challenge with the items it affects and the solutions proposed. */
export interface ChallengeRecord {
  id: string;
  projectId: string;
  category: ChallengeCategory;
  description: string;
  raisedAt: Date;
  raisedBy: OrganizationRef;
  causedBy: OrganizationRef | null;
  claimStatus: ClaimStatus | null;
  claimAnswerReason: string | null;
  claimAnsweredAt: Date | null;
  items: Array<{ id: string; code: string; titleFa: string; titleEn: string }>;
  solutions: Array<{ id: string; description: string; proposedAt: Date; proposedBy: string }>;
}

export interface NewChallenge {
  projectId: string;
  category: ChallengeCategory;
  description: string;
  raisedBy: string;
  raisedByOrg: string | null;
  causedByOrg: string | null;
  itemIds: string[];
}

type ChallengeRow = Omit<ChallengeRecord, 'solutions'> & { solutions: Array<{ id: string; description: string; proposedAt: string; proposedBy: string }> };

const CHALLENGE_SELECT = `
  SELECT c.id, c.project_id AS "projectId", c.category, c.description, c.raised_at AS "raisedAt",
         json_build_object('id', ro.id, 'code', ro.code, 'nameFa', ro.name_fa, 'nameEn', ro.name_en) AS "raisedBy",
         CASE WHEN co.id IS NULL THEN NULL
              ELSE json_build_object('id', co.id, 'code', co.code, 'nameFa', co.name_fa, 'nameEn', co.name_en) END AS "causedBy",
         c.claim_status AS "claimStatus", c.claim_answer_reason AS "claimAnswerReason", c.claim_answered_at AS "claimAnsweredAt",
         coalesce((SELECT json_agg(json_build_object('id', i.id, 'code', i.code, 'titleFa', i.title_fa, 'titleEn', i.title_en) ORDER BY i.code)
                     FROM challenge_items ci JOIN action_items i ON i.id = ci.item_id WHERE ci.challenge_id = c.id), '[]') AS items,
         coalesce((SELECT json_agg(json_build_object('id', s.id, 'description', s.description, 'proposedAt', s.proposed_at,
                                                     'proposedBy', u.username) ORDER BY s.proposed_at)
                     FROM challenge_solutions s JOIN users u ON u.id = s.proposed_by WHERE s.challenge_id = c.id), '[]') AS solutions
    FROM challenges c JOIN organizations ro ON ro.id = c.raised_by_org LEFT JOIN organizations co ON co.id = c.caused_by_org`;

function toRecord(r: ChallengeRow): ChallengeRecord {
  return { ...r, solutions: r.solutions.map((s) => ({ ...s, proposedAt: new Date(s.proposedAt) })) };
}

/** Challenges, claims, solutions and spending reports. */
@Injectable()
export class ChallengesRepository {
  async find(m: EntityManager, id: string): Promise<ChallengeRecord | null> {
    const found = await row<ChallengeRow>(m, `${CHALLENGE_SELECT} WHERE c.id = $1`, [id]);
    return found && toRecord(found);
  }

  /** The project's challenges, newest first. */
  async ofProject(m: EntityManager, projectId: string): Promise<ChallengeRecord[]> {
    const found = await rows<ChallengeRow>(m, `${CHALLENGE_SELECT} WHERE c.project_id = $1 ORDER BY c.raised_at DESC, c.id`, [projectId]);
    return found.map(toRecord);
  }

  /** Claims naming this organization, those awaiting an answer first, then newest first. */
  async claimsAgainst(m: EntityManager, organizationId: string): Promise<ChallengeRecord[]> {
    const found = await rows<ChallengeRow>(
      m,
      `${CHALLENGE_SELECT} WHERE c.caused_by_org = $1 ORDER BY (c.claim_status = 'awaiting_answer') DESC, c.raised_at DESC, c.id`,
      [organizationId],
    );
    return found.map(toRecord);
  }

  /** Which of these ids are items in the project's plan. */
  async itemsInPlan(m: EntityManager, projectId: string, itemIds: string[]): Promise<string[]> {
    const found = await rows<{ id: string }>(
      m,
      'SELECT id FROM action_items WHERE id = ANY($1::uuid[]) AND project_id = $2 AND removed_at IS NULL',
      [itemIds, projectId],
    );
    return found.map((f) => f.id);
  }

  async organizationExists(m: EntityManager, id: string): Promise<boolean> {
    return (await row<{ id: string }>(m, 'SELECT id FROM organizations WHERE id = $1', [id])) !== null;
  }

  async projectOf(m: EntityManager, challengeId: string): Promise<string | null> {
    return (await row<{ projectId: string }>(m, 'SELECT project_id AS "projectId" FROM challenges WHERE id = $1', [challengeId]))?.projectId ?? null;
  }

  async insert(m: EntityManager, c: NewChallenge): Promise<string> {
    const created = await row<{ id: string }>(
      m,
      `INSERT INTO challenges (project_id, category, description, raised_by, raised_by_org, caused_by_org, claim_status)
       VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
      [c.projectId, c.category, c.description, c.raisedBy, c.raisedByOrg, c.causedByOrg, c.causedByOrg ? 'awaiting_answer' : null],
    );
    for (const itemId of c.itemIds) {
      await m.query('INSERT INTO challenge_items (challenge_id, item_id) VALUES ($1, $2)', [created!.id, itemId]);
    }
    return created!.id;
  }

  /** The claim, locked for its answer. */
  async lockClaim(m: EntityManager, id: string): Promise<{ causedByOrg: string | null; claimStatus: ClaimStatus | null } | null> {
    return row(m, 'SELECT caused_by_org AS "causedByOrg", claim_status AS "claimStatus" FROM challenges WHERE id = $1 FOR UPDATE', [id]);
  }

  async answerClaim(m: EntityManager, id: string, status: 'accepted' | 'disputed', reason: string, userId: string): Promise<void> {
    await m.query(
      `UPDATE challenges SET claim_status = $2, claim_answer_reason = $3, claim_answered_by = $4, claim_answered_at = now() WHERE id = $1`,
      [id, status, reason, userId],
    );
  }

  async insertSolution(m: EntityManager, challengeId: string, description: string, userId: string, organizationId: string | null): Promise<void> {
    await m.query('INSERT INTO challenge_solutions (challenge_id, description, proposed_by, proposed_by_org) VALUES ($1, $2, $3, $4)', [
      challengeId,
      description,
      userId,
      organizationId,
    ]);
  }

  /** Money released to the agency on the project (ledger credits to its account) and what it reported spent. */
  async releasedAndSpent(m: EntityManager, projectId: string, organizationId: string): Promise<{ released: bigint; spent: bigint }> {
    const found = await row<{ released: string; spent: string }>(
      m,
      `SELECT (SELECT coalesce(sum(p.credit_rials), 0) FROM ledger_postings p
                 JOIN ledger_entries e ON e.id = p.entry_id JOIN ledger_accounts a ON a.id = p.account_id
                WHERE e.project_id = $1 AND a.kind = 'agency' AND a.organization_id = $2)::text AS released,
              (SELECT coalesce(sum(s.amount_rials), 0) FROM spending_reports s JOIN tranches t ON t.id = s.tranche_id
                WHERE t.project_id = $1 AND s.organization_id = $2)::text AS spent`,
      [projectId, organizationId],
    );
    return { released: BigInt(found!.released), spent: BigInt(found!.spent) };
  }

  /** The tranche, locked while spending against it is reported. */
  async lockTranche(m: EntityManager, trancheId: string): Promise<{ id: string; state: string; releasedRials: bigint } | null> {
    const found = await row<{ id: string; state: string; releasedRials: string }>(
      m,
      'SELECT id, state, released_rials::text AS "releasedRials" FROM tranches WHERE id = $1 FOR UPDATE',
      [trancheId],
    );
    return found && { ...found, releasedRials: BigInt(found.releasedRials) };
  }

  /** What the agency received from the tranche, and what it already reported spent of it. */
  async receivedAndSpent(m: EntityManager, trancheId: string, organizationId: string | null): Promise<{ received: bigint; spent: bigint }> {
    const found = await row<{ received: string; spent: string }>(
      m,
      `SELECT (SELECT coalesce(sum(p.credit_rials), 0) FROM ledger_postings p JOIN ledger_entries e ON e.id = p.entry_id
                 JOIN ledger_accounts a ON a.id = p.account_id
                WHERE e.tranche_id = $1 AND a.kind = 'agency' AND a.organization_id = $2)::text AS received,
              (SELECT coalesce(sum(amount_rials), 0) FROM spending_reports WHERE tranche_id = $1 AND organization_id = $2)::text AS spent`,
      [trancheId, organizationId],
    );
    return { received: BigInt(found!.received), spent: BigInt(found!.spent) };
  }

  async insertSpending(m: EntityManager, trancheId: string, organizationId: string | null, amount: bigint, note: string, userId: string): Promise<void> {
    await m.query('INSERT INTO spending_reports (tranche_id, organization_id, amount_rials, note, reported_by) VALUES ($1, $2, $3, $4, $5)', [
      trancheId,
      organizationId,
      amount.toString(),
      note,
      userId,
    ]);
  }
}
