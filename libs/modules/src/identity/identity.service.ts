import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { randomUUID } from 'node:crypto';
import type { Actor } from '../common/actor';
import { Unauthorized } from '../common/errors';
import { Database } from '../database/database';
import { LoginDto, LoginView, MeView, SignedOutView, UserView } from './dto';
import { IdentityRepository, UserRow } from './identity.repository';
import { LoginLimits } from './login-limits';
import { OrganizationsRepository } from './organizations.repository';
import { organizationView } from './organizations.service';
import { PasswordHasher } from './password-hasher';

/** What a token carries: the user, the token's own id (for sign-out) and the user's token version. */
interface TokenClaims {
  sub: string;
  jti: string;
  ver: number;
  exp?: number;
}

export function userView(u: UserRow): UserView {
  return {
    id: u.id,
    username: u.username,
    role: u.role,
    organizationId: u.organizationId,
    displayName: u.displayName,
    active: u.active,
    createdAt: u.createdAt,
  };
}

/** Signatures checked and remembered (a cache, cleared when full). */
const CHECKED_TOKENS = 20_000;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Sign-in and sessions. A token is valid while its user is active, its version matches the user's
 * (a password reset or disabling the account raises it, ending every session) and it was not signed
 * out (its id is on the deny list until it expires). All three are read from the database in one
 * indexed query on every request, so a change made anywhere (another instance, plain SQL) takes effect
 * on the very next request. Only the signature check is remembered (it cannot change).
 */
@Injectable()
export class IdentityService {
  private readonly checkedTokens = new Map<string, TokenClaims>();

  constructor(
    private readonly db: Database,
    private readonly repository: IdentityRepository,
    private readonly organizations: OrganizationsRepository,
    private readonly jwt: JwtService,
    private readonly hasher: PasswordHasher,
    private readonly limits: LoginLimits,
  ) {}

  async login(dto: LoginDto, address: string): Promise<LoginView> {
    const username = dto.username.trim().toLowerCase();
    await this.limits.attempt(username, address);
    const user = await this.repository.userForLogin(this.db.reader, username);
    const ok = await this.hasher.verify(dto.password, user?.passwordHash);
    if (!user || !ok || !user.active) throw new Unauthorized('wrong username or password');
    const accessToken = await this.jwt.signAsync({ sub: user.id, jti: randomUUID(), ver: user.tokenVersion } satisfies TokenClaims);
    const { exp } = this.jwt.decode<{ exp: number }>(accessToken);
    return { accessToken, tokenType: 'Bearer', expiresAt: new Date(exp * 1000).toISOString(), user: userView(user) };
  }

  /** The actor behind a token: a disabled user or a revoked token is refused at once. */
  async actorFromToken(token: string): Promise<Actor> {
    const claims = await this.verified(token);
    if (!UUID.test(String(claims.sub)) || !UUID.test(String(claims.jti)) || !Number.isInteger(claims.ver)) {
      throw new Unauthorized('the token is not valid');
    }
    const user = await this.repository.tokenHolder(this.db.reader, claims.sub, claims.jti);
    if (!user || !user.active) throw new Unauthorized('the account no longer exists or is disabled');
    if (user.revoked || user.tokenVersion !== claims.ver) throw new Unauthorized('the session has ended; sign in again');
    return {
      userId: user.id,
      username: user.username,
      role: user.role,
      organizationId: user.organizationId,
      session: { tokenId: claims.jti, expiresAt: new Date((claims.exp ?? 0) * 1000) },
    };
  }

  /**
   * The token's claims once its signature and expiry are checked. A token already checked is not
   * checked again until it expires (its signature cannot change); whether it was revoked is asked
   * on every request all the same (actorFromToken).
   */
  private async verified(token: string): Promise<TokenClaims> {
    const known = this.checkedTokens.get(token);
    if (known && (known.exp ?? 0) * 1000 > Date.now()) return known;
    let claims: TokenClaims;
    try {
      claims = await this.jwt.verifyAsync<TokenClaims>(token);
    } catch (error) {
      this.checkedTokens.delete(token);
      const expired = (error as Error).name === 'TokenExpiredError';
      throw new Unauthorized(expired ? 'the token has expired; sign in again' : 'the token is not valid');
    }
    if (this.checkedTokens.size >= CHECKED_TOKENS) this.checkedTokens.clear();
    this.checkedTokens.set(token, claims);
    return claims;
  }

  /** Ends this token's session on every API instance. */
  async logout(actor: Actor): Promise<SignedOutView> {
    const session = actor.session;
    if (session) {
      await this.db.transaction(async (tx) => {
        await this.repository.revokeToken(tx, session.tokenId, actor.userId, session.expiresAt);
        await this.repository.purgeRevokedTokens(tx);
      });
    }
    return { signedOut: true };
  }

  async me(actor: Actor): Promise<MeView> {
    const m = this.db.reader;
    const user = await this.repository.user(m, actor.userId);
    if (!user) throw new Unauthorized('the account no longer exists or is disabled');
    const organization = user.organizationId ? await this.organizations.get(m, user.organizationId) : null;
    return { user: userView(user), organization: organization ? organizationView(organization) : null };
  }
}
