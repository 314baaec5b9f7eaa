import { IsBoolean, IsIn, IsOptional, IsString, IsUUID, Length, Matches } from 'class-validator';
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
