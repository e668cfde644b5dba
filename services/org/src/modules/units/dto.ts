import {
  IsBoolean, IsDateString, IsIn, IsInt, IsObject, IsOptional, IsString, Length, Matches, MaxLength, Min, ValidateNested,
} from 'class-validator';
import { Type } from 'class-transformer';
import { ORG_TYPES, type OrgType } from '../../domain';

export class ContactsDto {
  @IsOptional() @IsString() @MaxLength(40) @Matches(/^[0-9+\-() ]*$/, { message: 'phone may hold digits, spaces, +, -, ( and ) only', context: { code: 'phone' } })
  phone?: string;
  @IsOptional() @IsString() @MaxLength(200) address?: string;
  @IsOptional() @IsString() @MaxLength(60) person?: string;
}

export class CreateUnitDto {
  @IsInt() @Min(1) parentId: number;
  @IsIn(ORG_TYPES as unknown as string[]) type: OrgType;
  @IsString() @Length(1, 120) name: string;
  @IsOptional() @Matches(/^[0-9]{6,12}$/, { message: 'divisionCode must be 6 to 12 digits' }) divisionCode?: string;
  @IsOptional() @ValidateNested() @Type(() => ContactsDto) contacts?: ContactsDto;
  @IsOptional() @IsDateString({ strict: true }) @Length(10, 10) validFrom?: string;
  @IsOptional() @IsObject() attributes?: Record<string, unknown>;
  /** A county department (县直部门) streets whistle to; work units only. */
  @IsOptional() @IsBoolean() department?: boolean;
  @IsOptional() @IsString() @MaxLength(500) reason?: string;
}

export class UpdateUnitDto {
  @IsInt() @Min(1) version: number;
  @IsOptional() @IsString() @Length(1, 120) name?: string;
  @IsOptional() @Matches(/^[0-9]{6,12}$/, { message: 'divisionCode must be 6 to 12 digits' }) divisionCode?: string;
  @IsOptional() @ValidateNested() @Type(() => ContactsDto) contacts?: ContactsDto;
  @IsOptional() @IsObject() attributes?: Record<string, unknown>;
  /** A county department (县直部门) streets whistle to; work units only. */
  @IsOptional() @IsBoolean() department?: boolean;
  @IsOptional() @IsString() @MaxLength(500) reason?: string;
}

export class ArchiveUnitDto {
  @IsInt() @Min(1) version: number;
  @IsString() @Length(2, 500) reason: string;
  @IsOptional() @IsDateString({ strict: true }) @Length(10, 10) validTo?: string;
}

export class MoveUnitDto {
  @IsInt() @Min(1) version: number;
  @IsInt() @Min(1) newParentId: number;
  @IsString() @Length(2, 500) reason: string;
  @IsOptional() @IsDateString({ strict: true }) @Length(10, 10) effectiveDate?: string;
}

export class ChildrenQuery {
  @IsOptional() @IsDateString({ strict: true }) @Length(10, 10) asOf?: string;
  @IsOptional() @IsIn(['true', 'false']) includeArchived?: string;
}

export class SearchQuery {
  @IsString() @Length(1, 60) q: string;
  @IsOptional() @IsIn(ORG_TYPES as unknown as string[]) type?: OrgType;
  @IsOptional() @IsInt() @Min(1) limit?: number;
}
