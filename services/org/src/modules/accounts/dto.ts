import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Length, Matches, Max, Min } from 'class-validator';
import { ROLES, type Role } from '@redheart/shared';

export class CreateAccountDto {
  @IsString() @Matches(/^[a-z0-9._-]{3,64}$/, { message: 'username must be 3–64 characters of a–z, 0–9, . _ -' }) username: string;
  @IsString() @Length(1, 40) displayName: string;
  @IsIn(ROLES) role: Role;
  @IsInt() @Min(1) orgId: number;
}

export class UpdateAccountDto {
  @IsInt() @Min(1) version: number;
  @IsOptional() @IsString() @Length(1, 40) displayName?: string;
  @IsOptional() @IsIn(ROLES) role?: Role;
  @IsOptional() @IsInt() @Min(1) orgId?: number;
  @IsOptional() @IsBoolean() disabled?: boolean;
}

export class VersionDto {
  @IsInt() @Min(1) version: number;
}

export class ListAccountsQuery {
  @IsOptional() @IsString() @Length(1, 64) q?: string;
  @IsOptional() @IsIn(ROLES) role?: Role;
  @IsOptional() @IsInt() @Min(1) orgId?: number;
  @IsOptional() @IsIn(['active', 'disabled', 'locked']) status?: 'active' | 'disabled' | 'locked';
  @IsOptional() @IsInt() @Min(1) @Max(100) limit?: number;
  @IsOptional() @IsString() @Length(1, 200) cursor?: string;
  /** Page mode (numbered pages with a total): see @redheart/shared paging. */
  @IsOptional() @IsInt() @Min(1) page?: number;
}

export class ChangePasswordDto {
  @IsString() @Length(1, 256) currentPassword: string;
  @IsString() @Length(1, 256) newPassword: string;
}
