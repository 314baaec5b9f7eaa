import { Injectable } from '@nestjs/common';
import { parseRials } from '@pelekan/core';
import { releasedNotSpent, spendingRefusal } from '@pelekan/core';
import type { Actor } from '../common/actor';
import { Conflict, Forbidden, InvalidInput, NotFound } from '../common/errors';
import { Database } from '../database/database';
import { InboxService } from '../inbox/inbox.service';
import { ProjectsService } from '../projects/projects.service';
import { type ChallengeRecord, ChallengesRepository } from './challenges.repository';
import { ChallengeView, ClaimAnswerDto, DeclareChallengeDto, ProposeSolutionDto, ReportSpendingDto, SpendingView } from './dto';

/**
 * Challenges an agency meets on a project and the solutions proposed (finding 7). A challenge that
 * names another agency as its cause is a claim that agency sees and must answer. A budget-shortage
 * challenge is shown beside the money already released to that agency and not yet reported spent.
 */
@Injectable()
export class ChallengesService {
  constructor(
    private readonly db: Database,
    private readonly challenges: ChallengesRepository,
    private readonly projects: ProjectsService,
    private readonly inbox: InboxService,
  ) {}

  async declare(actor: Actor, projectId: string, dto: DeclareChallengeDto): Promise<ChallengeView> {
    const project = await this.projects.requireProject(projectId);
    const role = await this.projects.agencyRole(projectId, actor.organizationId);
    if (!role) throw new Forbidden('only an agency working on this project may declare its challenges', 'not_project_agency');
    const m = this.db.reader;
    if (dto.itemIds.length > 0) {
      const found = new Set(await this.challenges.itemsInPlan(m, projectId, dto.itemIds));
      const missing = dto.itemIds.filter((id) => !found.has(id));
      if (missing.length) throw InvalidInput.field('itemIds', `not items of this project: ${missing.join(', ')}`);
    }
    if (dto.causedByAgencyId) {
      if (dto.causedByAgencyId === actor.organizationId) {
        throw InvalidInput.field('causedByAgencyId', 'names your own agency; a claim is against another agency');
      }
      if (!(await this.challenges.organizationExists(m, dto.causedByAgencyId))) {
        throw InvalidInput.field('causedByAgencyId', `organization ${dto.causedByAgencyId} does not exist`);
      }
    }
    const id = await this.db.transaction(async (tx) => {
      const created = await this.challenges.insert(tx, {
        projectId,
        category: dto.category,
        description: dto.description,
        raisedBy: actor.userId,
        raisedByOrg: actor.organizationId,
        causedByOrg: dto.causedByAgencyId ?? null,
        itemIds: dto.itemIds,
      });
      if (dto.causedByAgencyId) {
        await this.inbox.notify(
          tx,
          { organizationId: dto.causedByAgencyId, role: 'agency' },
          {
            kind: 'claim_received',
            subjectId: created,
            titleFa: `ادعای یک دستگاه درباره طرح ${project.code} که باید پاسخ دهید`,
            titleEn: `A claim about ${project.code} names your agency; please answer it`,
            bodyFa: dto.description,
            bodyEn: dto.description,
          },
        );
      }
      return created;
    });
    return this.get(id);
  }

  async list(projectId: string): Promise<ChallengeView[]> {
    await this.projects.requireProject(projectId);
    return this.views(await this.challenges.ofProject(this.db.reader, projectId));
  }

  /** Claims against the caller's agency, those awaiting an answer first. */
  async claimsAgainst(actor: Actor): Promise<ChallengeView[]> {
    if (!actor.organizationId) return [];
    return this.views(await this.challenges.claimsAgainst(this.db.reader, actor.organizationId));
  }

  async get(id: string): Promise<ChallengeView> {
    const challenge = await this.challenges.find(this.db.reader, id);
    if (!challenge) throw new NotFound('challenge', id);
    const [view] = await this.views([challenge]);
    return view;
  }

  async answerClaim(actor: Actor, id: string, dto: ClaimAnswerDto): Promise<ChallengeView> {
    await this.db.transaction(async (tx) => {
      const claim = await this.challenges.lockClaim(tx, id);
      if (!claim) throw new NotFound('challenge', id);
      if (!claim.causedByOrg) throw new Conflict('this challenge names no other agency; there is no claim to answer', 'not_a_claim');
      if (claim.causedByOrg !== actor.organizationId) {
        throw new Forbidden('only the agency the claim names may answer it', 'not_claimed_agency');
      }
      if (claim.claimStatus !== 'awaiting_answer') throw new Conflict(`the claim is already ${claim.claimStatus}`, 'claim_answered');
      await this.challenges.answerClaim(tx, id, dto.answer === 'accept' ? 'accepted' : 'disputed', dto.reason, actor.userId);
    });
    return this.get(id);
  }

  async proposeSolution(actor: Actor, dto: ProposeSolutionDto): Promise<ChallengeView> {
    const projectId = await this.challenges.projectOf(this.db.reader, dto.challengeId);
    if (!projectId) throw InvalidInput.field('challengeId', `challenge ${dto.challengeId} does not exist`);
    if (actor.role === 'agency' && !(await this.projects.agencyRole(projectId, actor.organizationId))) {
      throw new Forbidden('only an agency working on this project (or the committee) may propose solutions', 'not_project_agency');
    }
    await this.db.transaction((tx) => this.challenges.insertSolution(tx, dto.challengeId, dto.description, actor.userId, actor.organizationId));
    return this.get(dto.challengeId);
  }

  /** An agency reports spending against a tranche released to it; never more than it received from that tranche. */
  async reportSpending(actor: Actor, trancheId: string, dto: ReportSpendingDto): Promise<SpendingView> {
    const amount = parseRials(dto.amountRials);
    if (amount <= 0n) throw InvalidInput.field('amountRials', 'must be above 0');
    return this.db.transaction(async (tx) => {
      const tranche = await this.challenges.lockTranche(tx, trancheId);
      if (!tranche) throw new NotFound('tranche', trancheId);
      // A tranche paying in installments takes spending reports from its first installment on.
      if (tranche.releasedRials === 0n) throw new Conflict('spending is reported against released tranches only', 'not_released');
      const { received, spent } = await this.challenges.receivedAndSpent(tx, trancheId, actor.organizationId);
      const refusal = spendingRefusal(received, spent, amount);
      if (refusal?.reason === 'not_recipient') throw new Forbidden(refusal.message, 'not_recipient');
      if (refusal) throw InvalidInput.field('amountRials', refusal.message);
      await this.challenges.insertSpending(tx, trancheId, actor.organizationId, amount, dto.note, actor.userId);
      return {
        trancheId,
        receivedRials: received.toString(),
        reportedSpentRials: (spent + amount).toString(),
        notSpentRials: (received - spent - amount).toString(),
      };
    });
  }

  /** Budget challenges carry the money released to the raising agency and not yet reported spent. */
  private async views(challenges: ChallengeRecord[]): Promise<ChallengeView[]> {
    const views: ChallengeView[] = [];
    for (const challenge of challenges) {
      if (challenge.category !== 'budget') {
        views.push(challenge);
        continue;
      }
      const { released, spent } = await this.challenges.releasedAndSpent(this.db.reader, challenge.projectId, challenge.raisedBy.id);
      const money = releasedNotSpent(released, spent);
      views.push({
        ...challenge,
        budget: {
          releasedRials: money.releasedRials.toString(),
          reportedSpentRials: money.reportedSpentRials.toString(),
          releasedNotSpentRials: money.releasedNotSpentRials.toString(),
        },
      });
    }
    return views;
  }
}
