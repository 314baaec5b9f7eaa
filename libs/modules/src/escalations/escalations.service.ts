import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { ESCALATION_LEVELS } from '@pelekan/core';
import type { Actor } from '../common/actor';
import { Conflict, Forbidden, InvalidInput, NotFound } from '../common/errors';
import { AppConfig } from '../config';
import { InboxService } from '../inbox/inbox.service';
import { CommitteeHolds } from '../tranches/committee-holds';
import { IndependencePolicy } from '../independence/independence.policy';
import { CaseDecisionDto, CaseQueryDto, CaseResponseDto } from './dto';
import { escalationPeriod } from './period';

const CASE_COLUMNS = `
  c.id, c.item_id AS "itemId", c.project_id AS "projectId", c.reason, c.party, c.level, c.status,
  c.opened_at AS "openedAt", c.level_changed_at AS "levelChangedAt", c.resolved_at AS "resolvedAt", c.resolution,
  c.agency_response AS "agencyResponse", c.agency_responded_at AS "agencyRespondedAt",
  json_build_object('id', i.id, 'code', i.code, 'titleFa', i.title_fa, 'titleEn', i.title_en,
                    'verifiedPercent', i.verified_percent, 'declaredPercent', i.declared_percent,
                    'dueAt', coalesce(i.due_at, i.planned_end), 'ownerAgencyId', i.owner_agency_id) AS item,
  json_build_object('id', p.id, 'code', p.code, 'nameFa', p.name_fa, 'nameEn', p.name_en) AS project,
  json_build_object('id', o.id, 'code', o.code, 'nameFa', o.name_fa, 'nameEn', o.name_en) AS "ownerAgency"`;

const CASE_FROM = `escalation_cases c JOIN action_items i ON i.id = c.item_id JOIN projects p ON p.id = c.project_id
  JOIN organizations o ON o.id = i.owner_agency_id`;

/** Escalation cases: what the sweep opened, the agency's answer, and the committee's decision. */
@Injectable()
export class EscalationsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly config: AppConfig,
    private readonly inbox: InboxService,
    private readonly holds: CommitteeHolds,
    private readonly independence: IndependencePolicy,
  ) {}

  /** Agencies see cases on their own items; the committee, PBO and admins see all. */
  async list(actor: Actor, query: CaseQueryDto) {
    const where: string[] = [];
    const args: unknown[] = [];
    const status = query.status ?? 'live';
    if (status === 'live') where.push(`c.status <> 'resolved'`);
    else where.push(`c.status = $${args.push(status)}`);
    if (query.level) where.push(`c.level = $${args.push(query.level)}`);
    if (query.projectId) where.push(`c.project_id = $${args.push(query.projectId)}`);
    if (actor.role === 'agency') where.push(`i.owner_agency_id = $${args.push(actor.organizationId)}`);
    return this.db.query(
      `SELECT ${CASE_COLUMNS} FROM ${CASE_FROM} WHERE ${where.join(' AND ')}
        ORDER BY c.level DESC, c.opened_at, c.id LIMIT 1000`,
      args,
    );
  }

  async get(actor: Actor, id: string) {
    const [kase] = await this.db.query(`SELECT ${CASE_COLUMNS} FROM ${CASE_FROM} WHERE c.id = $1`, [id]);
    if (!kase) throw new NotFound('escalation case', id);
    if (actor.role === 'agency' && kase.item.ownerAgencyId !== actor.organizationId) throw new NotFound('escalation case', id);
    const events = await this.db.query(
      `SELECT e.at, e.kind, e.level, e.reason, e.detail,
              CASE WHEN u.id IS NULL THEN NULL ELSE json_build_object('id', u.id, 'username', u.username, 'displayName', u.display_name) END AS actor
         FROM escalation_events e LEFT JOIN users u ON u.id = e.actor_id WHERE e.case_id = $1 ORDER BY e.id`,
      [id],
    );
    const holds = await this.db.query(
      `SELECT id, reason, placed_at AS "placedAt", lifted_at AS "liftedAt", lift_reason AS "liftReason"
         FROM tranche_holds WHERE case_id = $1 ORDER BY placed_at`,
      [id],
    );
    return { ...kase, levelName: ESCALATION_LEVELS[kase.level - 1], events, holds };
  }

  /** The owner agency answers a case on its item: why it stalled, what it is doing. */
  async respond(actor: Actor, id: string, dto: CaseResponseDto) {
    await this.db.transaction(async (tx) => {
      const kase = await this.lockLiveCase(tx, id);
      if (kase.owner_agency_id !== actor.organizationId) {
        throw new Forbidden('only the agency that owns the item may answer its escalation', 'not_owner_agency');
      }
      await tx.query('UPDATE escalation_cases SET agency_response = $2, agency_responded_at = now() WHERE id = $1', [
        id,
        dto.note,
      ]);
      await tx.query(
        `INSERT INTO escalation_events (case_id, at, kind, level, actor_id, reason) VALUES ($1, now(), 'responded', $2, $3, $4)`,
        [id, kase.level, actor.userId, dto.note],
      );
    });
    return this.get(actor, id);
  }

  /**
   * The committee decides a case, and the decision takes effect at once: an extension moves the due
   * date and resolves the case; a required revision waits for the agency's revision; a hold stops
   * approval of the project's pending tranches until lifted; an accepted justification resolves it.
   */
  async decide(actor: Actor, id: string, dto: CaseDecisionDto) {
    const period = escalationPeriod(this.config);
    await this.db.transaction(async (tx) => {
      const kase = await this.lockLiveCase(tx, id);
      await this.independence.assertIndependent(
        actor,
        { projectId: kase.project_id, itemOwnerIds: [kase.owner_agency_id] },
        'decide this escalation',
        tx,
      );
      const detail: Record<string, unknown> = {};
      switch (dto.action) {
        case 'extend_due_date': {
          const newDue = new Date(dto.newDueAt!);
          if (newDue.getTime() <= Date.now()) throw InvalidInput.field('newDueAt', 'must be in the future');
          if (newDue <= new Date(kase.due)) {
            throw InvalidInput.field('newDueAt', `must be after the current due date ${new Date(kase.due).toISOString()}`);
          }
          await tx.query(
            `UPDATE action_items SET due_at = $2, escalation_quiet_until = now() + $3::interval WHERE id = $1`,
            [kase.item_id, newDue, period.sql],
          );
          detail.previousDueAt = kase.due;
          detail.newDueAt = newDue.toISOString();
          await this.resolve(tx, kase, 'extended');
          break;
        }
        case 'accept_justification':
          await tx.query(`UPDATE action_items SET escalation_quiet_until = now() + $2::interval WHERE id = $1`, [
            kase.item_id,
            period.sql,
          ]);
          await this.resolve(tx, kase, 'justified');
          break;
        case 'require_revision':
          if (kase.status !== 'open') throw new Conflict('a revision is already required for this case', 'revision_already_required');
          await tx.query(`UPDATE escalation_cases SET status = 'awaiting_revision' WHERE id = $1`, [id]);
          await this.inbox.notify(
            tx,
            { organizationId: kase.lead_agency_id ?? kase.owner_agency_id, role: 'agency' },
            {
              kind: 'revision_required',
              caseId: id,
              subjectId: kase.project_id,
              titleFa: `بازنگری برنامه طرح ${kase.project_code} لازم است`,
              titleEn: `A plan revision of ${kase.project_code} is required`,
              bodyFa: `کمیته پایش برای بند ${kase.item_code} بازنگری برنامه اقدام را خواسته است: ${dto.reason}`,
              bodyEn: `The monitoring committee requires a revision of the action plan for item ${kase.item_code}: ${dto.reason}`,
            },
          );
          break;
        case 'hold_tranches': {
          detail.holdId = await this.holds.place(tx, {
            projectId: kase.project_id,
            caseId: id,
            reason: dto.reason,
            actorId: actor.userId,
          });
          await this.inbox.notify(
            tx,
            { role: 'pbo' },
            {
              kind: 'tranches_held',
              caseId: id,
              subjectId: kase.project_id,
              titleFa: `توقف پرداخت قسط‌های طرح ${kase.project_code}`,
              titleEn: `Tranches of ${kase.project_code} held by the committee`,
              bodyFa: `تا رفع توقف، هیچ قسطی از این طرح تأیید نمی‌شود. دلیل: ${dto.reason}`,
              bodyEn: `No tranche of this project can be approved until the hold is lifted. Reason: ${dto.reason}`,
            },
          );
          break;
        }
      }
      await tx.query(
        `INSERT INTO escalation_events (case_id, at, kind, level, actor_id, reason, detail)
         VALUES ($1, now(), 'decided', $2, $3, $4, $5)`,
        [id, kase.level, actor.userId, dto.reason, { decision: dto.action, ...detail }],
      );
    });
    return this.get(actor, id);
  }

  /** Cases awaiting a revision of this project resolve when the committee approves one. */
  async resolveAwaitingRevision(tx: EntityManager, projectId: string, actorId: string): Promise<void> {
    const cases = await tx.query(
      `SELECT id, level FROM escalation_cases WHERE project_id = $1 AND status = 'awaiting_revision' FOR UPDATE`,
      [projectId],
    );
    for (const kase of cases) await this.resolve(tx, kase, 'revision_approved', actorId);
  }

  private async resolve(
    tx: EntityManager,
    kase: { id: string; level: number },
    resolution: 'extended' | 'justified' | 'revision_approved',
    actorId?: string,
  ): Promise<void> {
    await tx.query(`UPDATE escalation_cases SET status = 'resolved', resolved_at = now(), resolution = $2 WHERE id = $1`, [
      kase.id,
      resolution,
    ]);
    await tx.query(
      `INSERT INTO escalation_events (case_id, at, kind, level, actor_id, reason) VALUES ($1, now(), 'resolved', $2, $3, $4)`,
      [kase.id, kase.level, actorId ?? null, resolution],
    );
  }

  private async lockLiveCase(tx: EntityManager, id: string) {
    const [kase] = await tx.query(
      `SELECT c.id, c.status, c.level, c.item_id, c.project_id, i.owner_agency_id, i.code AS item_code,
              coalesce(i.due_at, i.planned_end) AS due, p.code AS project_code, p.lead_agency_id
         FROM escalation_cases c JOIN action_items i ON i.id = c.item_id JOIN projects p ON p.id = c.project_id
        WHERE c.id = $1 FOR UPDATE OF c`,
      [id],
    );
    if (!kase) throw new NotFound('escalation case', id);
    if (kase.status === 'resolved') throw new Conflict('the case is already resolved', 'case_resolved');
    return kase;
  }

  /** Recent sweeps, so a missed one is visible: when each ran and what it found. */
  async sweeps(limit = 50) {
    const runs = await this.db.query(
      `SELECT id, run_key AS "runKey", at, period_seconds::int AS "periodSeconds", started_at AS "startedAt",
              finished_at AS "finishedAt", examined, stalled, opened, climbed, resolved, notified
         FROM sweep_runs ORDER BY at DESC LIMIT $1`,
      [limit],
    );
    const period = escalationPeriod(this.config);
    const last = runs[0];
    // Overdue when the last sweep is older than a period and a half (or there has been none at all).
    const periodMs = (period.kind === 'monthly' ? 31 * 86400 : period.seconds) * 1000;
    const missed = !last || Date.now() - new Date(last.at).getTime() > periodMs * 1.5;
    return { period: this.config.ESCALATION_PERIOD, lastSweepAt: last?.at ?? null, sweepOverdue: missed, runs };
  }
}
