import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import type { Role } from '../common/actor';
import { row, rows } from '../database/database';

/** A user account as the API shows it (never the password hash). */
export interface UserRow {
  id: string;
  username: string;
  role: Role;
  organizationId: string | null;
  displayName: string;
  active: boolean;
  createdAt: Date;
}

export interface LoginUserRow extends UserRow {
  passwordHash: string;
  tokenVersion: number;
}

/** What a token's check reads about its user, and whether the token was signed out. */
export interface TokenHolderRow {
  id: string;
  username: string;
  role: Role;
  organizationId: string | null;
  active: boolean;
  tokenVersion: number;
  revoked: boolean;
}

export interface AttemptCountRow {
  key: string;
  hits: number;
  /** Seconds until the counter's window ends. */
  retryAfter: number;
}

export const USER_COLUMNS = `u.id, u.username, u.role, u.organization_id AS "organizationId", u.display_name AS "displayName",
  u.active, u.created_at AS "createdAt"`;

/** SQL of sign-in and sessions: users, revoked tokens and sign-in attempt counters. */
@Injectable()
export class IdentityRepository {
  async user(m: EntityManager, id: string): Promise<UserRow | null> {
    return row<UserRow>(m, `SELECT ${USER_COLUMNS} FROM users u WHERE u.id = $1`, [id]);
  }

  async userForLogin(m: EntityManager, username: string): Promise<LoginUserRow | null> {
    return row<LoginUserRow>(
      m,
      `SELECT ${USER_COLUMNS}, u.password_hash AS "passwordHash", u.token_version AS "tokenVersion" FROM users u WHERE u.username = $1`,
      [username],
    );
  }

  async tokenHolder(m: EntityManager, userId: string, tokenId: string): Promise<TokenHolderRow | null> {
    return row<TokenHolderRow>(
      m,
      `SELECT u.id, u.username, u.role, u.organization_id AS "organizationId", u.active, u.token_version AS "tokenVersion",
              EXISTS (SELECT 1 FROM revoked_tokens r WHERE r.jti = $2) AS revoked
         FROM users u WHERE u.id = $1`,
      [userId, tokenId],
    );
  }

  async revokeToken(m: EntityManager, tokenId: string, userId: string, expiresAt: Date): Promise<void> {
    await m.query(`INSERT INTO revoked_tokens (jti, user_id, expires_at) VALUES ($1, $2, $3) ON CONFLICT (jti) DO NOTHING`, [
      tokenId,
      userId,
      expiresAt,
    ]);
  }

  /** Entries a day past their token's expiry protect nothing. */
  async purgeRevokedTokens(m: EntityManager): Promise<void> {
    await m.query(`DELETE FROM revoked_tokens WHERE expires_at < now() - interval '1 day'`);
  }

  /** Counts one attempt against each key in the current fixed window of `windowSeconds`. */
  async countAttempts(m: EntityManager, keys: readonly string[], windowSeconds: number): Promise<AttemptCountRow[]> {
    return rows<AttemptCountRow>(
      m,
      `INSERT INTO rate_limit_counters AS c (key, window_start, hits)
       SELECT k, to_timestamp(floor(extract(epoch FROM now()) / $2) * $2), 1 FROM unnest($1::text[]) AS k
       ON CONFLICT (key, window_start) DO UPDATE SET hits = c.hits + 1
       RETURNING key, hits, ceil(extract(epoch FROM c.window_start + make_interval(secs => $2) - now()))::int AS "retryAfter"`,
      [keys, windowSeconds],
    );
  }

  async purgeAttemptCounters(m: EntityManager): Promise<void> {
    await m.query(`DELETE FROM rate_limit_counters WHERE window_start < now() - interval '10 minutes'`);
  }
}
