import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import type { Actor, Role } from '../common/actor';
import { Conflict, Forbidden, InvalidInput, NotFound } from '../common/errors';
import { Database } from '../database/database';
import { AccountRequestRow, AccountRequestStatus, AccountsRepository } from './accounts.repository';
import { AccountRequestView, AccountView, CreateUserDto, PasswordResetView, UserView } from './dto';
import { IdentityRepository } from './identity.repository';
import { userView } from './identity.service';
import { PasswordHasher } from './password-hasher';

/**
 * Roles whose holders move money or decide on it: PBO officers (the two of four eyes), committee
 * members, and administrators (who create both). Granting one, or resetting the password of
 * someone holding one, waits for a second administrator: no single administrator can create, or
 * take over, the two officers four eyes needs.
 */
export const PRIVILEGED_ROLES: readonly Role[] = ['pbo', 'committee', 'admin'];

/** Most requests one listing returns. */
const REQUESTS_LISTED = 500;

function requestView(r: AccountRequestRow): AccountRequestView {
  return {
    id: r.id,
    kind: r.kind,
    role: r.role,
    status: r.status,
    requestedAt: r.requestedAt,
    decidedAt: r.decidedAt,
    decisionReason: r.decisionReason,
    user: { id: r.user.id, username: r.user.username, role: r.user.role, displayName: r.user.displayName },
    requestedBy: { id: r.requestedBy.id, username: r.requestedBy.username },
    decidedBy: r.decidedBy ? { id: r.decidedBy.id, username: r.decidedBy.username } : null,
  };
}

/** Administration of accounts: create, disable, enable, reset a password, and the second administrator's confirmations. */
@Injectable()
export class AccountsService {
  constructor(
    private readonly db: Database,
    private readonly repository: AccountsRepository,
    private readonly identity: IdentityRepository,
    private readonly hasher: PasswordHasher,
  ) {}

  async list(): Promise<UserView[]> {
    return (await this.repository.users(this.db.reader)).map(userView);
  }

  /** A privileged account is created disabled, with a request another administrator must confirm. */
  async create(actor: Actor, dto: CreateUserDto): Promise<AccountView> {
    const passwordHash = await this.hasher.hash(dto.password);
    const userId = await this.db.transaction(async (tx) => {
      const org = dto.organizationId ? await this.repository.organization(tx, dto.organizationId) : null;
      if (dto.organizationId && !org) throw InvalidInput.field('organizationId', `organization ${dto.organizationId} does not exist`);
      if ((dto.role === 'agency' || dto.role === 'committee') && !org) {
        throw InvalidInput.field('organizationId', `a ${dto.role} user must belong to an organization`);
      }
      if (dto.role === 'committee' && !org?.committeeMember) {
        throw InvalidInput.field('organizationId', `${org?.nameEn} is not a monitoring-committee member organization`);
      }
      if (dto.role === 'admin' && org) throw InvalidInput.field('organizationId', 'an admin does not belong to an organization');
      if (await this.repository.usernameTaken(tx, dto.username)) {
        throw new Conflict(`username ${dto.username} is taken`, 'duplicate_username');
      }
      const privileged = PRIVILEGED_ROLES.includes(dto.role);
      const id = await this.repository.insertUser(tx, {
        username: dto.username,
        passwordHash,
        role: dto.role,
        organizationId: org?.id ?? null,
        displayName: dto.displayName,
        active: !privileged,
      });
      if (privileged) await this.repository.insertRoleRequest(tx, id, dto.role, actor.userId);
      return id;
    });
    return this.view(userId);
  }

  /** The user, and any request of theirs still waiting for a second administrator. */
  async view(userId: string): Promise<AccountView> {
    const m = this.db.reader;
    const user = await this.identity.user(m, userId);
    if (!user) throw new NotFound('user', userId);
    const pending = await this.repository.pendingRequestsOf(m, userId);
    return { ...userView(user), pendingRequests: pending.map(requestView) };
  }

  /** Disabling ends every session of the user at once. */
  async disable(actor: Actor, userId: string): Promise<AccountView> {
    if (userId === actor.userId) throw new Conflict('you cannot disable your own account', 'own_account');
    await this.db.transaction(async (tx) => {
      await this.lockUser(tx, userId);
      await this.repository.disableUser(tx, userId);
    });
    return this.view(userId);
  }

  /** Re-enables a disabled account; a privileged account never confirmed stays waiting for its confirmation. */
  async enable(_actor: Actor, userId: string): Promise<AccountView> {
    await this.db.transaction(async (tx) => {
      await this.lockUser(tx, userId);
      if (await this.repository.hasPendingRequest(tx, userId, 'grant_role')) {
        throw new Conflict('the account waits for a second administrator to confirm its role; confirm that request instead', 'confirmation_pending');
      }
      if (await this.repository.roleNeverGranted(tx, userId, PRIVILEGED_ROLES)) {
        throw new Conflict('the role of this account was never confirmed by a second administrator', 'role_not_confirmed');
      }
      await this.repository.enableUser(tx, userId);
    });
    return this.view(userId);
  }

  /**
   * Sets a new password and ends the user's sessions. For a privileged user the change waits for a
   * second administrator (otherwise one administrator could sign in as a PBO officer).
   */
  async resetPassword(actor: Actor, userId: string, password: string): Promise<PasswordResetView> {
    const passwordHash = await this.hasher.hash(password);
    const pending = await this.db.transaction(async (tx) => {
      const user = await this.lockUser(tx, userId);
      if (PRIVILEGED_ROLES.includes(user.role) && userId !== actor.userId) {
        if (await this.repository.hasPendingRequest(tx, userId, 'reset_password')) {
          throw new Conflict('a password reset of this user already waits for confirmation', 'request_pending');
        }
        await this.repository.insertPasswordRequest(tx, userId, passwordHash, actor.userId);
        return true;
      }
      await this.repository.setPassword(tx, userId, passwordHash);
      return false;
    });
    return { ...(await this.view(userId)), passwordChanged: !pending };
  }

  async requests(status: AccountRequestStatus = 'pending'): Promise<AccountRequestView[]> {
    return (await this.repository.requests(this.db.reader, status, REQUESTS_LISTED)).map(requestView);
  }

  /** The second administrator confirms (or rejects): never the one who asked, nor the user concerned. */
  async decide(actor: Actor, requestId: string, action: 'confirm' | 'reject', reason?: string): Promise<AccountRequestView> {
    await this.db.transaction(async (tx) => {
      const request = await this.repository.lockRequest(tx, requestId);
      if (!request) throw new NotFound('account request', requestId);
      if (request.status !== 'pending') throw new Conflict(`the request is already ${request.status}`, 'request_decided');
      if (request.requestedBy === actor.userId || request.userId === actor.userId) {
        throw new Forbidden('a second administrator, not the one who asked nor the user concerned, must decide this request', 'four_eyes');
      }
      await this.repository.decideRequest(tx, requestId, action === 'confirm' ? 'confirmed' : 'rejected', actor.userId, reason ?? null);
      if (action === 'reject') return;
      if (request.kind === 'grant_role') await this.repository.activateWithRole(tx, request.userId, request.role);
      else await this.repository.setPassword(tx, request.userId, request.passwordHash);
    });
    const decided = await this.repository.request(this.db.reader, requestId);
    if (!decided) throw new NotFound('account request', requestId);
    return requestView(decided);
  }

  private async lockUser(tx: EntityManager, userId: string): Promise<{ id: string; role: Role }> {
    const user = await this.repository.lockUser(tx, userId);
    if (!user) throw new NotFound('user', userId);
    return user;
  }
}
