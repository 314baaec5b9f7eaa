import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { Actor, Role } from '../common/actor';
import { Conflict, Forbidden, InvalidInput, NotFound } from '../common/errors';
import { CreateUserDto } from './dto';
import { PasswordHasher } from './password-hasher';

/**
 * Roles whose holders move money or decide on it: PBO officers (the two of four eyes), committee
 * members, and administrators (who create both). Granting one, or resetting the password of
 * someone holding one, waits for a second administrator: no single administrator can create, or
 * take over, the two officers four eyes needs.
 */
export const PRIVILEGED_ROLES: readonly Role[] = ['pbo', 'committee', 'admin'];

const USER_COLUMNS = `u.id, u.username, u.role, u.organization_id AS "organizationId", u.display_name AS "displayName",
  u.active, u.created_at AS "createdAt"`;

const REQUEST_COLUMNS = `r.id, r.kind, r.role, r.status, r.requested_at AS "requestedAt", r.decided_at AS "decidedAt",
  r.decision_reason AS "decisionReason",
  json_build_object('id', u.id, 'username', u.username, 'role', u.role, 'displayName', u.display_name) AS "user",
  json_build_object('id', rq.id, 'username', rq.username) AS "requestedBy",
  CASE WHEN dc.id IS NULL THEN NULL ELSE json_build_object('id', dc.id, 'username', dc.username) END AS "decidedBy"`;
const REQUEST_FROM = `account_requests r JOIN users u ON u.id = r.user_id JOIN users rq ON rq.id = r.requested_by
  LEFT JOIN users dc ON dc.id = r.decided_by`;

/** Administration of accounts: create, disable, enable, reset a password, and the second administrator's confirmations. */
@Injectable()
export class AccountsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly hasher: PasswordHasher,
  ) {}

  list() {
    return this.db.query(`SELECT ${USER_COLUMNS} FROM users u ORDER BY u.username`);
  }

  /** A privileged account is created disabled, with a request another administrator must confirm. */
  async create(actor: Actor, dto: CreateUserDto) {
    const passwordHash = await this.hasher.hash(dto.password);
    const userId = await this.db.transaction(async (tx) => {
      const [org] = dto.organizationId
        ? await tx.query('SELECT id, name_en, committee_member FROM organizations WHERE id = $1', [dto.organizationId])
        : [null];
      if (dto.organizationId && !org) throw InvalidInput.field('organizationId', `organization ${dto.organizationId} does not exist`);
      if ((dto.role === 'agency' || dto.role === 'committee') && !org) {
        throw InvalidInput.field('organizationId', `a ${dto.role} user must belong to an organization`);
      }
      if (dto.role === 'committee' && !org.committee_member) {
        throw InvalidInput.field('organizationId', `${org.name_en} is not a monitoring-committee member organization`);
      }
      if (dto.role === 'admin' && org) throw InvalidInput.field('organizationId', 'an admin does not belong to an organization');
      const [taken] = await tx.query('SELECT 1 FROM users WHERE username = $1', [dto.username]);
      if (taken) throw new Conflict(`username ${dto.username} is taken`, 'duplicate_username');
      const privileged = PRIVILEGED_ROLES.includes(dto.role);
      const [user] = await tx.query(
        `INSERT INTO users (username, password_hash, role, organization_id, display_name, active)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
        [dto.username, passwordHash, dto.role, org?.id ?? null, dto.displayName, !privileged],
      );
      if (privileged) {
        await tx.query(`INSERT INTO account_requests (user_id, kind, role, requested_by) VALUES ($1, 'grant_role', $2, $3)`, [
          user.id,
          dto.role,
          actor.userId,
        ]);
      }
      return user.id as string;
    });
    return this.view(userId);
  }

  /** The user, and any request of theirs still waiting for a second administrator. */
  async view(userId: string) {
    const [user] = await this.db.query(`SELECT ${USER_COLUMNS} FROM users u WHERE u.id = $1`, [userId]);
    if (!user) throw new NotFound('user', userId);
    const pending = await this.db.query(`SELECT ${REQUEST_COLUMNS} FROM ${REQUEST_FROM} WHERE r.user_id = $1 AND r.status = 'pending'`, [
      userId,
    ]);
    return { ...user, pendingRequests: pending };
  }

  /** Disabling ends every session of the user at once. */
  async disable(actor: Actor, userId: string) {
    if (userId === actor.userId) throw new Conflict('you cannot disable your own account', 'own_account');
    await this.db.transaction(async (tx) => {
      await this.lockUser(tx, userId);
      await tx.query('UPDATE users SET active = false, token_version = token_version + 1 WHERE id = $1', [userId]);
    });
    return this.view(userId);
  }

  /** Re-enables a disabled account; a privileged account never confirmed stays waiting for its confirmation. */
  async enable(_actor: Actor, userId: string) {
    await this.db.transaction(async (tx) => {
      await this.lockUser(tx, userId);
      const [pending] = await tx.query(
        `SELECT 1 FROM account_requests WHERE user_id = $1 AND kind = 'grant_role' AND status = 'pending'`,
        [userId],
      );
      if (pending) {
        throw new Conflict('the account waits for a second administrator to confirm its role; confirm that request instead', 'confirmation_pending');
      }
      const [neverGranted] = await tx.query(
        `SELECT 1 FROM users u WHERE u.id = $1 AND u.role = ANY($2::text[]) AND NOT u.active
            AND EXISTS (SELECT 1 FROM account_requests r WHERE r.user_id = u.id AND r.kind = 'grant_role')
            AND NOT EXISTS (SELECT 1 FROM account_requests r WHERE r.user_id = u.id AND r.kind = 'grant_role' AND r.status = 'confirmed')`,
        [userId, PRIVILEGED_ROLES],
      );
      if (neverGranted) throw new Conflict('the role of this account was never confirmed by a second administrator', 'role_not_confirmed');
      await tx.query('UPDATE users SET active = true WHERE id = $1', [userId]);
    });
    return this.view(userId);
  }

  /**
   * Sets a new password and ends the user's sessions. For a privileged user the change waits for a
   * second administrator (otherwise one administrator could sign in as a PBO officer).
   */
  async resetPassword(actor: Actor, userId: string, password: string) {
    const passwordHash = await this.hasher.hash(password);
    const pending = await this.db.transaction(async (tx) => {
      const user = await this.lockUser(tx, userId);
      if (PRIVILEGED_ROLES.includes(user.role) && userId !== actor.userId) {
        const [open] = await tx.query(
          `SELECT 1 FROM account_requests WHERE user_id = $1 AND kind = 'reset_password' AND status = 'pending'`,
          [userId],
        );
        if (open) throw new Conflict('a password reset of this user already waits for confirmation', 'request_pending');
        await tx.query(
          `INSERT INTO account_requests (user_id, kind, password_hash, requested_by) VALUES ($1, 'reset_password', $2, $3)`,
          [userId, passwordHash, actor.userId],
        );
        return true;
      }
      await tx.query('UPDATE users SET password_hash = $2, token_version = token_version + 1 WHERE id = $1', [userId, passwordHash]);
      return false;
    });
    return { ...(await this.view(userId)), passwordChanged: !pending };
  }

  requests(status: 'pending' | 'confirmed' | 'rejected' = 'pending') {
    return this.db.query(`SELECT ${REQUEST_COLUMNS} FROM ${REQUEST_FROM} WHERE r.status = $1 ORDER BY r.requested_at LIMIT 500`, [status]);
  }

  /** The second administrator confirms (or rejects): never the one who asked, nor the user concerned. */
  async decide(actor: Actor, requestId: string, action: 'confirm' | 'reject', reason?: string) {
    await this.db.transaction(async (tx) => {
      const [request] = await tx.query('SELECT * FROM account_requests WHERE id = $1 FOR UPDATE', [requestId]);
      if (!request) throw new NotFound('account request', requestId);
      if (request.status !== 'pending') throw new Conflict(`the request is already ${request.status}`, 'request_decided');
      if (request.requested_by === actor.userId || request.user_id === actor.userId) {
        throw new Forbidden('a second administrator, not the one who asked nor the user concerned, must decide this request', 'four_eyes');
      }
      await tx.query(
        `UPDATE account_requests SET status = $2, decided_by = $3, decided_at = now(), decision_reason = $4 WHERE id = $1`,
        [requestId, action === 'confirm' ? 'confirmed' : 'rejected', actor.userId, reason ?? null],
      );
      if (action === 'reject') return;
      if (request.kind === 'grant_role') {
        await tx.query('UPDATE users SET active = true WHERE id = $1 AND role = $2', [request.user_id, request.role]);
      } else {
        await tx.query('UPDATE users SET password_hash = $2, token_version = token_version + 1 WHERE id = $1', [
          request.user_id,
          request.password_hash,
        ]);
      }
    });
    const [row] = await this.db.query(`SELECT ${REQUEST_COLUMNS} FROM ${REQUEST_FROM} WHERE r.id = $1`, [requestId]);
    return row;
  }

  private async lockUser(tx: EntityManager, userId: string): Promise<{ id: string; role: Role }> {
    const [user] = await tx.query('SELECT id, role FROM users WHERE id = $1 FOR UPDATE', [userId]);
    if (!user) throw new NotFound('user', userId);
    return user;
  }
}
