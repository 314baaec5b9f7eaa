import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource, Repository } from 'typeorm';
import type { Actor } from '../common/actor';
import { Unauthorized } from '../common/errors';
import { LoginDto } from './dto';
import { LoginLimits } from './login-limits';
import { Organization } from './organization.entity';
import { PasswordHasher } from './password-hasher';
import { User } from './user.entity';

/** What a token carries: the user, the token's own id (for sign-out) and the user's token version. */
interface TokenClaims {
  sub: string;
  jti: string;
  ver: number;
  exp?: number;
}

export interface LoginResult {
  accessToken: string;
  tokenType: 'Bearer';
  expiresAt: string;
  user: User;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Sign-in and sessions. A token is valid while its user is active, its version matches the user's
 * (a password reset or disabling the account raises it, ending every session) and it was not signed
 * out (its id is on the deny list until it expires). All three are read from the database on every
 * request, so revocation takes effect at once on every API instance.
 */
@Injectable()
export class IdentityService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @InjectRepository(User) private readonly users: Repository<User>,
    @InjectRepository(Organization) private readonly organizations: Repository<Organization>,
    private readonly jwt: JwtService,
    private readonly hasher: PasswordHasher,
    private readonly limits: LoginLimits,
  ) {}

  async login(dto: LoginDto, address: string): Promise<LoginResult> {
    const username = dto.username.trim().toLowerCase();
    await this.limits.attempt(username, address);
    const [user]: Array<User & { passwordHash: string; tokenVersion: number }> = await this.db.query(
      `SELECT id, username, password_hash AS "passwordHash", role, organization_id AS "organizationId",
              display_name AS "displayName", active, created_at AS "createdAt", token_version AS "tokenVersion"
         FROM users WHERE username = $1`,
      [username],
    );
    const ok = await this.hasher.verify(dto.password, user?.passwordHash);
    if (!user || !ok || !user.active) throw new Unauthorized('wrong username or password');
    const accessToken = await this.jwt.signAsync({ sub: user.id, jti: randomUUID(), ver: user.tokenVersion } satisfies TokenClaims);
    const { exp } = this.jwt.decode<{ exp: number }>(accessToken);
    const { passwordHash: _hidden, tokenVersion: _version, ...visible } = user;
    return { accessToken, tokenType: 'Bearer', expiresAt: new Date(exp * 1000).toISOString(), user: visible as User };
  }

  /** The actor behind a token, read fresh from the database: a disabled user or a revoked token is refused at once. */
  async actorFromToken(token: string): Promise<Actor> {
    let claims: TokenClaims;
    try {
      claims = await this.jwt.verifyAsync<TokenClaims>(token);
    } catch (error) {
      const expired = (error as Error).name === 'TokenExpiredError';
      throw new Unauthorized(expired ? 'the token has expired; sign in again' : 'the token is not valid');
    }
    if (!UUID.test(String(claims.sub)) || !UUID.test(String(claims.jti)) || !Number.isInteger(claims.ver)) {
      throw new Unauthorized('the token is not valid');
    }
    const [user] = await this.db.query(
      `SELECT u.id, u.username, u.role, u.organization_id AS "organizationId", u.active, u.token_version AS "tokenVersion",
              EXISTS (SELECT 1 FROM revoked_tokens r WHERE r.jti = $2) AS revoked
         FROM users u WHERE u.id = $1`,
      [claims.sub, claims.jti],
    );
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

  /** Ends this token's session on every API instance. */
  async logout(actor: Actor): Promise<{ signedOut: true }> {
    if (actor.session) {
      await this.db.query(
        `INSERT INTO revoked_tokens (jti, user_id, expires_at) VALUES ($1, $2, $3) ON CONFLICT (jti) DO NOTHING`,
        [actor.session.tokenId, actor.userId, actor.session.expiresAt],
      );
      // Entries past their token's expiry protect nothing.
      await this.db.query(`DELETE FROM revoked_tokens WHERE expires_at < now() - interval '1 day'`);
    }
    return { signedOut: true };
  }

  async me(actor: Actor): Promise<{ user: User; organization: Organization | null }> {
    const user = await this.users.findOneByOrFail({ id: actor.userId });
    const organization = user.organizationId ? await this.organizations.findOneBy({ id: user.organizationId }) : null;
    return { user, organization };
  }
}
