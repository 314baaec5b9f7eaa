import { IsBoolean, IsIn, IsOptional, IsString, IsUUID, Length, Matches } from 'class-validator';
import { ApiProperty } from '@nestjs/swagger';
import { ROLES, type Role } from '../common/actor';

export class LoginDto {
  /** Case-insensitive. */
  @IsString()
  @Length(1, 64)
  username: string;

  @IsString()
  @Length(1, 200)
  password: string;
}

export class CreateOrganizationDto {
  /** Short stable identifier, lowercase letters, digits and hyphens. */
  @Matches(/^[a-z0-9][a-z0-9-]{0,62}$/, { message: 'code must be lowercase letters, digits and hyphens' })
  code: string;

  @IsString()
  @Length(1, 300)
  nameFa: string;

  @IsString()
  @Length(1, 300)
  nameEn: string;

  /** The organization this one belongs to, if any. */
  @IsOptional()
  @IsUUID()
  parentId?: string;

  /** Whether it sits on the monitoring committee and may supply verifiers. */
  @IsOptional()
  @IsBoolean()
  committeeMember?: boolean;
}

export class CreateUserDto {
  @Matches(/^[a-z0-9][a-z0-9._-]{2,63}$/, {
    message: 'username must be 3-64 lowercase letters, digits, dots, underscores or hyphens',
  })
  username: string;

  @IsString()
  @Length(10, 200, { message: 'password must be 10 to 200 characters' })
  password: string;

  @IsIn(ROLES)
  role: Role;

  /** Required for agency and committee users. */
  @IsOptional()
  @IsUUID()
  organizationId?: string;

  @IsString()
  @Length(1, 200)
  displayName: string;
}

export class ResetPasswordDto {
  @IsString()
  @Length(10, 200, { message: 'password must be 10 to 200 characters' })
  password: string;
}

export class AccountRequestDecisionDto {
  @IsIn(['confirm', 'reject'])
  action: 'confirm' | 'reject';

  @IsOptional()
  @IsString()
  @Length(1, 2000)
  reason?: string;
}

export class AccountRequestQueryDto {
  @IsOptional()
  @IsIn(['pending', 'confirmed', 'rejected'])
  status?: 'pending' | 'confirmed' | 'rejected';
}

// ---------------------------------------------------------------------------------------------------
// Responses
// ---------------------------------------------------------------------------------------------------

/** A user account (never its password hash). */
export class UserView {
  id: string;
  username: string;

  @ApiProperty({ enum: ROLES })
  role: Role;

  /** Always set for agency and committee users; null for PBO officers and admins. */
  @ApiProperty({ type: String, nullable: true, format: 'uuid' })
  organizationId: string | null;

  displayName: string;
  active: boolean;
  createdAt: Date;
}

/** An agency, ministry or other body. Committee member organizations may supply verifiers. */
export class OrganizationView {
  id: string;
  code: string;
  nameFa: string;
  nameEn: string;

  /** The body this one belongs to (used for conflicts of interest). */
  @ApiProperty({ type: String, nullable: true, format: 'uuid' })
  parentId: string | null;

  committeeMember: boolean;
  synthetic: boolean;
  createdAt: Date;
}

export class LoginView {
  /** Send as "Authorization: Bearer <accessToken>". */
  accessToken: string;

  @ApiProperty({ enum: ['Bearer'] })
  tokenType: 'Bearer';

  /** When the token stops being accepted (UTC ISO 8601). */
  @ApiProperty({ type: String, format: 'date-time' })
  expiresAt: string;

  user: UserView;
}

export class SignedOutView {
  /** Always true: the token's session has ended. */
  signedOut: boolean;
}

/** The signed-in user and their organization. */
export class MeView {
  user: UserView;

  @ApiProperty({ type: () => OrganizationView, nullable: true })
  organization: OrganizationView | null;
}

/** A user as an account request names them. */
export class AccountRequestUserView {
  id: string;
  username: string;

  @ApiProperty({ enum: ROLES })
  role: Role;

  displayName: string;
}

export class AdministratorRefView {
  id: string;
  username: string;
}

/** A role grant or password reset that waits for (or was decided by) a second administrator. */
export class AccountRequestView {
  id: string;

  @ApiProperty({ enum: ['grant_role', 'reset_password'] })
  kind: 'grant_role' | 'reset_password';

  /** The role granted (grant_role only). */
  @ApiProperty({ enum: ['pbo', 'committee', 'admin'], nullable: true })
  role: 'pbo' | 'committee' | 'admin' | null;

  @ApiProperty({ enum: ['pending', 'confirmed', 'rejected'] })
  status: 'pending' | 'confirmed' | 'rejected';

  requestedAt: Date;

  @ApiProperty({ type: Date, nullable: true })
  decidedAt: Date | null;

  @ApiProperty({ type: String, nullable: true })
  decisionReason: string | null;

  /** The user concerned. */
  user: AccountRequestUserView;

  /** The administrator who asked. */
  requestedBy: AdministratorRefView;

  /** The second administrator who decided; null while pending. */
  @ApiProperty({ type: () => AdministratorRefView, nullable: true })
  decidedBy: AdministratorRefView | null;
}

/** A user, and any request of theirs still waiting for a second administrator. */
export class AccountView extends UserView {
  @ApiProperty({ type: () => [AccountRequestView] })
  pendingRequests: AccountRequestView[];
}

export class PasswordResetView extends AccountView {
  /** False when the change waits for a second administrator (a PBO, committee or admin user). */
  passwordChanged: boolean;
}
