import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { isSweepOverdue, levelInfo, pageOf } from '@pelekan/core';
import type { Actor } from '../common/actor';
import { Conflict, Forbidden, NotFound } from '../common/errors';
import { pageRequest } from '../common/paging.dto';
import { AppConfig } from '../config';
import { Database } from '../database/database';
import { EscalationSweepRepository } from './escalation-sweep.repository';
import { CaseDetailView, CasePageView, CaseQueryDto, CaseResponseDto, SweepsView } from './dto';
import { EscalationsRepository } from './escalations.repository';
import { escalationPeriod } from './period';

/** Escalation cases: what the sweep opened and the agency's answer (the committee's decisions: EscalationDecisions). */
@Injectable()
export class EscalationsService {
  constructor(
    private readonly db: Database,
    private readonly cases: EscalationsRepository,
    private readonly sweepRuns: EscalationSweepRepository,
    private readonly config: AppConfig,
  ) {}

  /** Agencies see cases on their own items; the committee, PBO and admins see all. */
  async list(actor: Actor, query: CaseQueryDto): Promise<CasePageView> {
    const { limit, after } = pageRequest(query, 'cases', ['int', 'instant', 'uuid']);
    const found = await this.cases.list(
      this.db.reader,
      {
        status: query.status ?? 'live',
        level: query.level,
        projectId: query.projectId,
        ...(actor.role === 'agency' ? { ownerAgencyId: actor.organizationId } : {}),
      },
      limit + 1,
      after && [Number(after[0]), String(after[1]), String(after[2])],
    );
    const page = pageOf(found, limit, 'cases', (c) => [c.level, c.cursorAt, c.id]);
    return { items: page.items.map(({ cursorAt: _, ...c }) => c), next: page.next };
  }

  async get(actor: Actor, id: string): Promise<CaseDetailView> {
    const m = this.db.reader;
    const kase = await this.cases.find(m, id);
    if (!kase || (actor.role === 'agency' && kase.item.ownerAgencyId !== actor.organizationId)) {
      throw new NotFound('escalation case', id);
    }
    const events = await this.cases.events(m, id);
    const holds = await this.cases.holds(m, id);
    return { ...kase, levelName: levelInfo(kase.level), events, holds };
  }

  /** The owner agency answers a case on its item: why it stalled, what it is doing. */
  async respond(actor: Actor, id: string, dto: CaseResponseDto): Promise<CaseDetailView> {
    await this.db.transaction(async (tx) => {
      const kase = await this.cases.lock(tx, id);
      if (!kase) throw new NotFound('escalation case', id);
      if (kase.status === 'resolved') throw new Conflict('the case is already resolved', 'case_resolved');
      if (kase.ownerAgencyId !== actor.organizationId) {
        throw new Forbidden('only the agency that owns the item may answer its escalation', 'not_owner_agency');
      }
      await this.cases.recordResponse(tx, id, dto.note);
      await this.cases.addEvent(tx, { caseId: id, kind: 'responded', level: kase.level, actorId: actor.userId, reason: dto.note });
    });
    return this.get(actor, id);
  }

  /** Cases awaiting a revision of this project resolve when the committee approves one (inside the approval's transaction). */
  async resolveAwaitingRevision(tx: EntityManager, projectId: string, actorId: string): Promise<void> {
    for (const kase of await this.cases.lockAwaitingRevision(tx, projectId)) {
      await this.cases.resolve(tx, kase.id, 'revision_approved', kase.level);
      await this.cases.addEvent(tx, { caseId: kase.id, kind: 'resolved', level: kase.level, actorId, reason: 'revision_approved' });
    }
  }

  /** Recent sweeps, so a missed one is visible: when each ran and what it found. */
  async sweeps(limit = 50): Promise<SweepsView> {
    const runs = await this.sweepRuns.recentRuns(this.db.reader, limit);
    const lastSweepAt = runs[0]?.at ?? null;
    return {
      period: this.config.ESCALATION_PERIOD,
      lastSweepAt,
      sweepOverdue: isSweepOverdue(lastSweepAt, new Date(), escalationPeriod(this.config)),
      runs,
    };
  }
}
