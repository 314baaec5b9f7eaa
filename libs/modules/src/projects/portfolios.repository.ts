import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { row, rows } from '../database/database';
import { Portfolio } from './portfolio.entity';

export interface PortfolioRefRow {
  id: string;
  code: string;
  nameFa: string;
  nameEn: string;
}

interface PortfolioColumns {
  id: string;
  code: string;
  nameFa: string;
  nameEn: string;
  approvedByFa: string | null;
  approvedOnJalali: string | null;
  noteEn: string | null;
  maxProjects: number | null;
  synthetic: boolean;
  source: Record<string, unknown>;
  monitoringPausedAt: Date | null;
  monitoringPauseReason: string | null;
}

export interface PortfolioSummaryRow extends PortfolioColumns {
  projectCount: number;
}

export interface PortfolioRow extends PortfolioColumns {
  createdAt: Date;
}

export interface MonitoringEventRow {
  action: 'pause' | 'resume';
  reason: string;
  at: Date;
  /** Username of the administrator. */
  by: string;
}

/** What locking a portfolio reads: enough to decide on a pause or on one more project. */
export interface LockedPortfolioRow {
  id: string;
  code: string;
  maxProjects: number | null;
  monitoringPausedAt: Date | null;
}

export interface NewPortfolio {
  code: string;
  nameFa: string;
  nameEn: string;
  maxProjects: number | null;
}

const PORTFOLIO_COLUMNS = `p.id, p.code, p.name_fa AS "nameFa", p.name_en AS "nameEn", p.approved_by_fa AS "approvedByFa",
  p.approved_on_jalali AS "approvedOnJalali", p.note_en AS "noteEn", p.max_projects AS "maxProjects", p.synthetic, p.source,
  p.monitoring_paused_at AS "monitoringPausedAt", p.monitoring_pause_reason AS "monitoringPauseReason"`;

/** SQL of portfolios and the pausing of their monitoring. */
@Injectable()
export class PortfoliosRepository {
  async portfolioSummaries(m: EntityManager): Promise<PortfolioSummaryRow[]> {
    return rows<PortfolioSummaryRow>(
      m,
      `SELECT ${PORTFOLIO_COLUMNS}, count(pr.id)::int AS "projectCount"
         FROM portfolios p LEFT JOIN projects pr ON pr.portfolio_id = p.id
        GROUP BY p.id ORDER BY p.synthetic, p.code`,
    );
  }

  async portfolio(m: EntityManager, id: string): Promise<PortfolioRow | null> {
    return row<PortfolioRow>(m, `SELECT ${PORTFOLIO_COLUMNS}, p.created_at AS "createdAt" FROM portfolios p WHERE p.id = $1`, [id]);
  }

  async portfolioRef(m: EntityManager, id: string): Promise<PortfolioRefRow | null> {
    return row<PortfolioRefRow>(m, `SELECT id, code, name_fa AS "nameFa", name_en AS "nameEn" FROM portfolios WHERE id = $1`, [id]);
  }

  async monitoringHistory(m: EntityManager, portfolioId: string): Promise<MonitoringEventRow[]> {
    return rows<MonitoringEventRow>(
      m,
      `SELECT e.action, e.reason, e.at, u.username AS "by" FROM portfolio_monitoring_events e
         JOIN users u ON u.id = e.actor_id WHERE e.portfolio_id = $1 ORDER BY e.id`,
      [portfolioId],
    );
  }

  async lockPortfolio(m: EntityManager, id: string): Promise<LockedPortfolioRow | null> {
    return row<LockedPortfolioRow>(
      m,
      `SELECT id, code, max_projects AS "maxProjects", monitoring_paused_at AS "monitoringPausedAt"
         FROM portfolios WHERE id = $1 FOR UPDATE`,
      [id],
    );
  }

  async pauseMonitoring(m: EntityManager, id: string, reason: string, actorId: string): Promise<void> {
    await m.query(
      `UPDATE portfolios SET monitoring_paused_at = now(), monitoring_pause_reason = $2, monitoring_paused_by = $3 WHERE id = $1`,
      [id, reason, actorId],
    );
  }

  async resumeMonitoring(m: EntityManager, id: string): Promise<void> {
    await m.query(
      `UPDATE portfolios SET monitoring_paused_at = NULL, monitoring_pause_reason = NULL, monitoring_paused_by = NULL WHERE id = $1`,
      [id],
    );
  }

  async addMonitoringEvent(m: EntityManager, portfolioId: string, action: 'pause' | 'resume', reason: string, actorId: string): Promise<void> {
    await m.query('INSERT INTO portfolio_monitoring_events (portfolio_id, action, reason, actor_id) VALUES ($1, $2, $3, $4)', [
      portfolioId,
      action,
      reason,
      actorId,
    ]);
  }

  async portfolioCodeTaken(m: EntityManager, code: string): Promise<boolean> {
    return m.existsBy(Portfolio, { code });
  }

  async insertPortfolio(m: EntityManager, portfolio: NewPortfolio): Promise<string> {
    const saved = await m.save(
      m.create(Portfolio, {
        ...portfolio,
        approvedByFa: null,
        approvedOnJalali: null,
        noteEn: null,
        synthetic: false,
        source: {},
      }),
    );
    return saved.id;
  }
}
