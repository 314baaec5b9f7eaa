import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { parseRials } from '@pelekan/core';
import type { Actor } from '../common/actor';
import { Conflict, Forbidden, InvalidInput, NotFound } from '../common/errors';
import { InboxService } from '../inbox/inbox.service';
import { ProjectsService } from '../projects/projects.service';
import { ClaimAnswerDto, DeclareChallengeDto, ProposeSolutionDto, ReportSpendingDto } from './dto';

/**
 * Challenges an agency meets on a project and the solutions proposed (finding 7). A challenge that
 * names another agency as its cause is a claim that agency sees and must answer. A budget-shortage
 * challenge is shown beside the money already released to that agency and not yet reported spent.
 */
@Injectable()
export class ChallengesService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly projects: ProjectsService,
    private readonly inbox: InboxService,
  ) {}

  async declare(actor: Actor, projectId: string, dto: DeclareChallengeDto) {
    const project = await this.projects.requireProject(projectId);
    const role = await this.projects.agencyRole(projectId, actor.organizationId);
    if (!role) throw new Forbidden('only an agency working on this project may declare its challenges', 'not_project_agency');
    if (dto.itemIds.length > 0) {
      const found: Array<{ id: string }> = await this.db.query(
        'SELECT id FROM action_items WHERE id = ANY($1::uuid[]) AND project_id = $2 AND removed_at IS NULL',
        [dto.itemIds, projectId],
      );
      const missing = dto.itemIds.filter((id) => !found.some((f) => f.id === id));
      if (missing.length) throw InvalidInput.field('itemIds', `not items of this project: ${missing.join(', ')}`);
    }
    if (dto.causedByAgencyId) {
      if (dto.causedByAgencyId === actor.organizationId) {
        throw InvalidInput.field('causedByAgencyId', 'names your own agency; a claim is against another agency');
      }
      const [org] = await this.db.query('SELECT id FROM organizations WHERE id = $1', [dto.causedByAgencyId]);
      if (!org) throw InvalidInput.field('causedByAgencyId', `organization ${dto.causedByAgencyId} does not exist`);
    }
    const id = await this.db.transaction(async (tx) => {
      const [row] = await tx.query(
        `INSERT INTO challenges (project_id, category, description, raised_by, raised_by_org, caused_by_org, claim_status)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
        [
          projectId,
          dto.category,
          dto.description,
          actor.userId,
          actor.organizationId,
          dto.causedByAgencyId ?? null,
          dto.causedByAgencyId ? 'awaiting_answer' : null,
        ],
      );
      for (const itemId of dto.itemIds) {
        await tx.query('INSERT INTO challenge_items (challenge_id, item_id) VALUES ($1, $2)', [row.id, itemId]);
      }
      if (dto.causedByAgencyId) {
        await this.inbox.notify(
          tx,
          { organizationId: dto.causedByAgencyId, role: 'agency' },
          {
            kind: 'claim_received',
            subjectId: row.id,
            titleFa: `ادعای یک دستگاه درباره طرح ${project.code} که باید پاسخ دهید`,
            titleEn: `A claim about ${project.code} names your agency; please answer it`,
            bodyFa: dto.description,
            bodyEn: dto.description,
          },
        );
      }
      return row.id as string;
    });
    return this.get(id);
  }

  async list(projectId: string) {
    await this.projects.requireProject(projectId);
    const ids: Array<{ id: string }> = await this.db.query(
      'SELECT id FROM challenges WHERE project_id = $1 ORDER BY raised_at DESC',
      [projectId],
    );
    return Promise.all(ids.map((r) => this.get(r.id)));
  }

  /** Claims against the caller's agency, those awaiting an answer first. */
  async claimsAgainst(actor: Actor) {
    if (!actor.organizationId) return [];
    const ids: Array<{ id: string }> = await this.db.query(
      `SELECT id FROM challenges WHERE caused_by_org = $1
        ORDER BY (claim_status = 'awaiting_answer') DESC, raised_at DESC`,
      [actor.organizationId],
    );
    return Promise.all(ids.map((r) => this.get(r.id)));
  }

  async get(id: string) {
    const [challenge] = await this.db.query(
      `SELECT c.id, c.project_id AS "projectId", c.category, c.description, c.raised_at AS "raisedAt",
              json_build_object('id', ro.id, 'code', ro.code, 'nameFa', ro.name_fa, 'nameEn', ro.name_en) AS "raisedBy",
              CASE WHEN co.id IS NULL THEN NULL
                   ELSE json_build_object('id', co.id, 'code', co.code, 'nameFa', co.name_fa, 'nameEn', co.name_en) END AS "causedBy",
              c.claim_status AS "claimStatus", c.claim_answer_reason AS "claimAnswerReason", c.claim_answered_at AS "claimAnsweredAt",
              coalesce((SELECT json_agg(json_build_object('id', i.id, 'code', i.code, 'titleFa', i.title_fa, 'titleEn', i.title_en) ORDER BY i.code)
                          FROM challenge_items ci JOIN action_items i ON i.id = ci.item_id WHERE ci.challenge_id = c.id), '[]') AS items,
              coalesce((SELECT json_agg(json_build_object('id', s.id, 'description', s.description, 'proposedAt', s.proposed_at,
                                                          'proposedBy', u.username) ORDER BY s.proposed_at)
                          FROM challenge_solutions s JOIN users u ON u.id = s.proposed_by WHERE s.challenge_id = c.id), '[]') AS solutions
         FROM challenges c JOIN organizations ro ON ro.id = c.raised_by_org LEFT JOIN organizations co ON co.id = c.caused_by_org
        WHERE c.id = $1`,
      [id],
    );
    if (!challenge) throw new NotFound('challenge', id);
    if (challenge.category !== 'budget') return challenge;
    return { ...challenge, budget: await this.releasedNotSpent(challenge.projectId, challenge.raisedBy.id) };
  }

  /** Money released to the agency on the project, what it reported spent, and the difference. */
  async releasedNotSpent(projectId: string, organizationId: string) {
    const [row] = await this.db.query(
      `SELECT (SELECT coalesce(sum(p.credit_rials), 0) FROM ledger_postings p
                 JOIN ledger_entries e ON e.id = p.entry_id JOIN ledger_accounts a ON a.id = p.account_id
                WHERE e.project_id = $1 AND a.kind = 'agency' AND a.organization_id = $2)::text AS released,
              (SELECT coalesce(sum(s.amount_rials), 0) FROM spending_reports s JOIN tranches t ON t.id = s.tranche_id
                WHERE t.project_id = $1 AND s.organization_id = $2)::text AS spent`,
      [projectId, organizationId],
    );
    const released = BigInt(row.released);
    const spent = BigInt(row.spent);
    return { releasedRials: released, reportedSpentRials: spent, releasedNotSpentRials: released - spent };
  }

  async answerClaim(actor: Actor, id: string, dto: ClaimAnswerDto) {
    await this.db.transaction(async (tx) => {
      const [claim] = await tx.query('SELECT caused_by_org, claim_status FROM challenges WHERE id = $1 FOR UPDATE', [id]);
      if (!claim) throw new NotFound('challenge', id);
      if (!claim.caused_by_org) throw new Conflict('this challenge names no other agency; there is no claim to answer', 'not_a_claim');
      if (claim.caused_by_org !== actor.organizationId) {
        throw new Forbidden('only the agency the claim names may answer it', 'not_claimed_agency');
      }
      if (claim.claim_status !== 'awaiting_answer') throw new Conflict(`the claim is already ${claim.claim_status}`, 'claim_answered');
      await tx.query(
        `UPDATE challenges SET claim_status = $2, claim_answer_reason = $3, claim_answered_by = $4, claim_answered_at = now()
          WHERE id = $1`,
        [id, dto.answer === 'accept' ? 'accepted' : 'disputed', dto.reason, actor.userId],
      );
    });
    return this.get(id);
  }

  async proposeSolution(actor: Actor, dto: ProposeSolutionDto) {
    const [challenge] = await this.db.query('SELECT project_id FROM challenges WHERE id = $1', [dto.challengeId]);
    if (!challenge) throw InvalidInput.field('challengeId', `challenge ${dto.challengeId} does not exist`);
    if (actor.role === 'agency' && !(await this.projects.agencyRole(challenge.project_id, actor.organizationId))) {
      throw new Forbidden('only an agency working on this project (or the committee) may propose solutions', 'not_project_agency');
    }
    await this.db.query(
      'INSERT INTO challenge_solutions (challenge_id, description, proposed_by, proposed_by_org) VALUES ($1, $2, $3, $4)',
      [dto.challengeId, dto.description, actor.userId, actor.organizationId],
    );
    return this.get(dto.challengeId);
  }

  /** An agency reports spending against a tranche released to it; never more than it received from that tranche. */
  async reportSpending(actor: Actor, trancheId: string, dto: ReportSpendingDto) {
    const amount = parseRials(dto.amountRials);
    if (amount <= 0n) throw InvalidInput.field('amountRials', 'must be above 0');
    return this.db.transaction(async (tx) => {
      const [tranche] = await tx.query('SELECT id, project_id, state FROM tranches WHERE id = $1 FOR UPDATE', [trancheId]);
      if (!tranche) throw new NotFound('tranche', trancheId);
      if (tranche.state !== 'released') throw new Conflict('spending is reported against released tranches only', 'not_released');
      const [row] = await tx.query(
        `SELECT (SELECT coalesce(sum(p.credit_rials), 0) FROM ledger_postings p JOIN ledger_entries e ON e.id = p.entry_id
                   JOIN ledger_accounts a ON a.id = p.account_id
                  WHERE e.tranche_id = $1 AND a.kind = 'agency' AND a.organization_id = $2)::text AS received,
                (SELECT coalesce(sum(amount_rials), 0) FROM spending_reports WHERE tranche_id = $1 AND organization_id = $2)::text AS spent`,
        [trancheId, actor.organizationId],
      );
      const received = BigInt(row.received);
      if (received === 0n) throw new Forbidden('your agency received nothing from this tranche', 'not_recipient');
      const left = received - BigInt(row.spent);
      if (amount > left) {
        throw InvalidInput.field('amountRials', `only ${left} rials of this tranche's release to your agency are not yet reported spent`);
      }
      await tx.query(
        'INSERT INTO spending_reports (tranche_id, organization_id, amount_rials, note, reported_by) VALUES ($1, $2, $3, $4, $5)',
        [trancheId, actor.organizationId, amount.toString(), dto.note, actor.userId],
      );
      return { trancheId, receivedRials: received, reportedSpentRials: BigInt(row.spent) + amount, notSpentRials: left - amount };
    });
  }
}
