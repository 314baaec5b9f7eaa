import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import type { Role } from '../common/actor';
import { row, rows } from '../database/database';
import { USER_COLUMNS, UserRow } from './identity.repository';

export type AccountRequestKind = 'grant_role' | 'reset_password';
export type AccountRequestStatus = 'pending' | 'confirmed' | 'rejected';

/** A request as the API shows it, with the users it names. */
export interface AccountRequestRow {
  id: string;
  kind: AccountRequestKind;
  role: 'pbo' | 'committee' | 'admin' | null;
  status: AccountRequestStatus;
  requestedAt: Date;
  decidedAt: Date | null;
  decisionReason: string | null;
  user: { id: string; username: string; role: Role; displayName: string };
  requestedBy: { id: string; username: string };
  decidedBy: { id: string; username: string } | null;
}

/** A request as a decision reads it, locked: a role grant names the role, a reset the new hash. */
export type LockedAccountRequestRow = {
  id: string;
  userId: string;
  requestedBy: string;
  status: AccountRequestStatus;
} & ({ kind: 'grant_role'; role: Role; passwordHash: null } | { kind: 'reset_password'; role: null; passwordHash: string });

export interface AccountOrganizationRow {
  id: string;
  nameEn: string;
  committeeMember: boolean;
}

export interface NewUser {
  username: string;
  passwordHash: string;
  role: Role;
  organizationId: string | null;
  displayName: string;
  active: boolean;
}

const REQUEST_COLUMNS = `r.id, r.kind, r.role, r.status, r.requested_at AS "requestedAt", r.decided_at AS "decidedAt",
  r.decision_reason AS "decisionReason",
  json_build_object('id', u.id, 'username', u.username, 'role', u.role, 'displayName', u.display_name) AS "user",
  json_build_object('id', rq.id, 'username', rq.username) AS "requestedBy",
  CASE WHEN dc.id IS NULL THEN NULL ELSE json_build_object('id', dc.id, 'username', dc.username) END AS "decidedBy"`;
const REQUEST_FROM = `account_requests r JOIN users u ON u.id = r.user_id JOIN users rq ON rq.id = r.requested_by
  LEFT JOIN users dc ON dc.id = r.decided_by`;

/** SQL of account administration: users and the requests a second administrator decides. */
@Injectable()
export class AccountsRepository {
  async users(m: EntityManager): Promise<UserRow[]> {
    return rows<UserRow>(m, `SELECT ${USER_COLUMNS} FROM users u ORDER BY u.username`);
  }

  async organization(m: EntityManager, id: string): Promise<AccountOrganizationRow | null> {
    return row<AccountOrganizationRow>(
      m,
      'SELECT id, name_en AS "nameEn", committee_member AS "committeeMember" FROM organizations WHERE id = $1',
      [id],
    );
  }

  async usernameTaken(m: EntityManager, username: string): Promise<boolean> {
    return (await row(m, 'SELECT 1 FROM users WHERE username = $1', [username])) !== null;
  }

  async insertUser(m: EntityManager, user: NewUser): Promise<string> {
    const inserted = await row<{ id: string }>(
      m,
      `INSERT INTO users (username, password_hash, role, organization_id, display_name, active)
       VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
      [user.username, user.passwordHash, user.role, user.organizationId, user.displayName, user.active],
    );
    return inserted!.id;
  }

  async lockUser(m: EntityManager, id: string): Promise<{ id: string; role: Role } | null> {
    return row<{ id: string; role: Role }>(m, 'SELECT id, role FROM users WHERE id = $1 FOR UPDATE', [id]);
  }

  /** Deactivates the user and ends every session (the token version moves). */
  async disableUser(m: EntityManager, id: string): Promise<void> {
    await m.query('UPDATE users SET active = false, token_version = token_version + 1 WHERE id = $1', [id]);
  }

  async enableUser(m: EntityManager, id: string): Promise<void> {
    await m.query('UPDATE users SET active = true WHERE id = $1', [id]);
  }

  /** A confirmed role grant activates the user, if the user still has that role. */
  async activateWithRole(m: EntityManager, id: string, role: Role): Promise<void> {
    await m.query('UPDATE users SET active = true WHERE id = $1 AND role = $2', [id, role]);
  }

  /** Sets the password and ends every session. */
  async setPassword(m: EntityManager, id: string, passwordHash: string): Promise<void> {
    await m.query('UPDATE users SET password_hash = $2, token_version = token_version + 1 WHERE id = $1', [id, passwordHash]);
  }

  async hasPendingRequest(m: EntityManager, userId: string, kind: AccountRequestKind): Promise<boolean> {
    return (await row(m, `SELECT 1 FROM account_requests WHERE user_id = $1 AND kind = $2 AND status = 'pending'`, [userId, kind])) !== null;
  }

  /** A disabled user whose role was asked for but never confirmed by a second administrator. */
  async roleNeverGranted(m: EntityManager, userId: string, privilegedRoles: readonly Role[]): Promise<boolean> {
    const found = await row(
      m,
      `SELECT 1 FROM users u WHERE u.id = $1 AND u.role = ANY($2::text[]) AND NOT u.active
          AND EXISTS (SELECT 1 FROM account_requests r WHERE r.user_id = u.id AND r.kind = 'grant_role')
          AND NOT EXISTS (SELECT 1 FROM account_requests r WHERE r.user_id = u.id AND r.kind = 'grant_role' AND r.status = 'confirmed')`,
      [userId, privilegedRoles],
    );
    return found !== null;
  }

  async insertRoleRequest(m: EntityManager, userId: string, role: Role, requestedBy: string): Promise<void> {
    await m.query(`INSERT INTO account_requests (user_id, kind, role, requested_by) VALUES ($1, 'grant_role', $2, $3)`, [
      userId,
      role,
      requestedBy,
    ]);
  }

  async insertPasswordRequest(m: EntityManager, userId: string, passwordHash: string, requestedBy: string): Promise<void> {
    await m.query(`INSERT INTO account_requests (user_id, kind, password_hash, requested_by) VALUES ($1, 'reset_password', $2, $3)`, [
      userId,
      passwordHash,
      requestedBy,
    ]);
  }

  async pendingRequestsOf(m: EntityManager, userId: string): Promise<AccountRequestRow[]> {
    return rows<AccountRequestRow>(m, `SELECT ${REQUEST_COLUMNS} FROM ${REQUEST_FROM} WHERE r.user_id = $1 AND r.status = 'pending'`, [userId]);
  }

  async requests(m: EntityManager, status: AccountRequestStatus, limit: number): Promise<AccountRequestRow[]> {
    return rows<AccountRequestRow>(
      m,
      `SELECT ${REQUEST_COLUMNS} FROM ${REQUEST_FROM} WHERE r.status = $1 ORDER BY r.requested_at LIMIT $2`,
      [status, limit],
    );
  }

  async request(m: EntityManager, id: string): Promise<AccountRequestRow | null> {
    return row<AccountRequestRow>(m, `SELECT ${REQUEST_COLUMNS} FROM ${REQUEST_FROM} WHERE r.id = $1`, [id]);
  }

  async lockRequest(m: EntityManager, id: string): Promise<LockedAccountRequestRow | null> {
    return row<LockedAccountRequestRow>(
      m,
      `SELECT id, user_id AS "userId", kind, role, password_hash AS "passwordHash", requested_by AS "requestedBy", status
         FROM account_requests WHERE id = $1 FOR UPDATE`,
      [id],
    );
  }

  async decideRequest(m: EntityManager, id: string, status: 'confirmed' | 'rejected', decidedBy: string, reason: string | null): Promise<void> {
    await m.query(`UPDATE account_requests SET status = $2, decided_by = $3, decided_at = now(), decision_reason = $4 WHERE id = $1`, [
      id,
      status,
      decidedBy,
      reason,
    ]);
  }
}
