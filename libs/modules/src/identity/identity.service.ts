import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import type { Actor } from '../common/actor';
import { Conflict, InvalidInput, Unauthorized } from '../common/errors';
import { CreateUserDto, LoginDto } from './dto';
import { Organization } from './organization.entity';
import { DUMMY_HASH, hashPassword, verifyPassword } from './password';
import { User } from './user.entity';

interface TokenClaims {
  sub: string;
}

export interface LoginResult {
  accessToken: string;
  tokenType: 'Bearer';
  expiresAt: string;
  user: User;
}

@Injectable()
export class IdentityService {
  constructor(
    @InjectRepository(User) private readonly users: Repository<User>,
    @InjectRepository(Organization) private readonly organizations: Repository<Organization>,
    private readonly jwt: JwtService,
  ) {}

  async login(dto: LoginDto): Promise<LoginResult> {
    const user = await this.users
      .createQueryBuilder('u')
      .addSelect('u.passwordHash')
      .where('u.username = :username', { username: dto.username.trim().toLowerCase() })
      .getOne();
    // Hash even for unknown users so the answer takes as long either way.
    const ok = await verifyPassword(dto.password, user?.passwordHash ?? DUMMY_HASH);
    if (!user || !ok || !user.active) throw new Unauthorized('wrong username or password');
    const accessToken = await this.jwt.signAsync({ sub: user.id } satisfies TokenClaims);
    const { exp } = this.jwt.decode<{ exp: number }>(accessToken);
    const { passwordHash: _hidden, ...visible } = user;
    return { accessToken, tokenType: 'Bearer', expiresAt: new Date(exp * 1000).toISOString(), user: visible as User };
  }

  /** The actor behind a token, read fresh from the database so a disabled user is refused at once. */
  async actorFromToken(token: string): Promise<Actor> {
    let claims: TokenClaims;
    try {
      claims = await this.jwt.verifyAsync<TokenClaims>(token);
    } catch (error) {
      const expired = (error as Error).name === 'TokenExpiredError';
      throw new Unauthorized(expired ? 'the token has expired; sign in again' : 'the token is not valid');
    }
    const user = await this.users.findOneBy({ id: claims.sub });
    if (!user || !user.active) throw new Unauthorized('the account no longer exists or is disabled');
    return { userId: user.id, username: user.username, role: user.role, organizationId: user.organizationId };
  }

  async me(actor: Actor): Promise<{ user: User; organization: Organization | null }> {
    const user = await this.users.findOneByOrFail({ id: actor.userId });
    const organization = user.organizationId ? await this.organizations.findOneBy({ id: user.organizationId }) : null;
    return { user, organization };
  }

  listUsers(): Promise<User[]> {
    return this.users.find({ order: { username: 'ASC' } });
  }

  async createUser(dto: CreateUserDto): Promise<User> {
    const org = dto.organizationId ? await this.organizations.findOneBy({ id: dto.organizationId }) : null;
    if (dto.organizationId && !org) {
      throw InvalidInput.field('organizationId', `organization ${dto.organizationId} does not exist`);
    }
    if ((dto.role === 'agency' || dto.role === 'committee') && !org) {
      throw InvalidInput.field('organizationId', `a ${dto.role} user must belong to an organization`);
    }
    if (dto.role === 'committee' && !org!.committeeMember) {
      throw InvalidInput.field('organizationId', `${org!.nameEn} is not a monitoring-committee member organization`);
    }
    if (dto.role === 'admin' && org) {
      throw InvalidInput.field('organizationId', 'an admin does not belong to an organization');
    }
    if (await this.users.existsBy({ username: dto.username })) {
      throw new Conflict(`username ${dto.username} is taken`, 'duplicate_username');
    }
    const saved = await this.users.save(
      this.users.create({
        username: dto.username,
        passwordHash: await hashPassword(dto.password),
        role: dto.role,
        organizationId: org?.id ?? null,
        displayName: dto.displayName,
        active: true,
      }),
    );
    const { passwordHash: _hidden, ...visible } = saved;
    return visible as User;
  }
}
