import {
  ArrayMaxSize, ArrayUnique, IsArray, IsBoolean, IsDateString, IsIn, IsInt, IsOptional, IsString, Length, Matches, Max, MaxLength, Min,
  ValidateNested,
} from 'class-validator';
import { Type } from 'class-transformer';
import { POSITION_KINDS, type PositionKind } from '../../domain';

// Shared field rules. Names must hold a visible character: the tables CHECK btrim(name) <> '',
// and a blank name is a 400 here rather than a constraint error there.
const PHONE = /^[0-9+\-() ]*$/;
const PHONE_MSG = { message: 'phone may hold digits, spaces, +, -, ( and ) only', context: { code: 'phone' } };
const NOT_BLANK = /\S/;
const notBlank = (field: string) => ({ message: `${field} must not be blank` });
const DATE = { strict: true } as const;

// ── positions ────────────────────────────────────────────────────────────────

export class CreatePositionDto {
  @IsString() @Length(1, 60) @Matches(NOT_BLANK, notBlank('personName')) personName: string;
  @IsOptional() @IsString() @MaxLength(40) @Matches(PHONE, PHONE_MSG) phone?: string;
  @IsIn(POSITION_KINDS as unknown as string[]) kind: PositionKind;
  @IsOptional() @IsBoolean() fullTime?: boolean;
  @IsOptional() @IsInt() @Min(1) fromUnitId?: number;
  @IsDateString(DATE) @Length(10, 10) termStart: string;
  @IsOptional() @IsDateString(DATE) @Length(10, 10) termEnd?: string;
}

export class UpdatePositionDto {
  @IsInt() @Min(1) version: number;
  @IsOptional() @IsString() @Length(1, 60) @Matches(NOT_BLANK, notBlank('personName')) personName?: string;
  /** null clears the phone. */
  @IsOptional() @IsString() @MaxLength(40) @Matches(PHONE, PHONE_MSG) phone?: string | null;
  @IsOptional() @IsIn(POSITION_KINDS as unknown as string[]) kind?: PositionKind;
  @IsOptional() @IsBoolean() fullTime?: boolean;
  /** null detaches the seat from a unit (only valid for kinds other than part_time_member). */
  @IsOptional() @IsInt() @Min(1) fromUnitId?: number | null;
  @IsOptional() @IsDateString(DATE) @Length(10, 10) termStart?: string;
  /** A planned end of term; null makes the term open-ended again. */
  @IsOptional() @IsDateString(DATE) @Length(10, 10) termEnd?: string | null;
  @IsOptional() @IsString() @MaxLength(500) reason?: string;
}

export class EndPositionDto {
  @IsDateString(DATE) @Length(10, 10) termEnd: string;
  @IsString() @Length(2, 500) reason: string;
}

export class PositionsQuery {
  @IsOptional() @IsIn(['true', 'false']) includeEnded?: string;
}

// ── grids and cadre assignments ─────────────────────────────────────────────

const GRID_CODE = /^[A-Za-z0-9_.-]{1,20}$/;
const GRID_CODE_MSG = { message: 'code must be 1 to 20 letters, digits, _, . or -' };

export class CreateGridDto {
  @IsString() @Matches(GRID_CODE, GRID_CODE_MSG) code: string;
  @IsString() @Length(1, 60) @Matches(NOT_BLANK, notBlank('name')) name: string;
  @IsInt() @Min(0) @Max(5000) households: number;
  @IsOptional() @IsString() @MaxLength(60) workerName?: string;
  @IsOptional() @IsString() @MaxLength(40) @Matches(PHONE, PHONE_MSG) workerPhone?: string;
  @IsOptional() @IsDateString(DATE) @Length(10, 10) validFrom?: string;
}

export class UpdateGridDto {
  @IsInt() @Min(1) version: number;
  @IsOptional() @IsString() @Matches(GRID_CODE, GRID_CODE_MSG) code?: string;
  @IsOptional() @IsString() @Length(1, 60) @Matches(NOT_BLANK, notBlank('name')) name?: string;
  @IsOptional() @IsInt() @Min(0) @Max(5000) households?: number;
  @IsOptional() @IsString() @MaxLength(60) workerName?: string | null;
  @IsOptional() @IsString() @MaxLength(40) @Matches(PHONE, PHONE_MSG) workerPhone?: string | null;
  @IsOptional() @IsString() @MaxLength(500) reason?: string;
}

export class CreateCadreAssignmentDto {
  @IsString() @Length(1, 60) @Matches(NOT_BLANK, notBlank('cadreName')) cadreName: string;
  @IsOptional() @IsString() @MaxLength(40) @Matches(PHONE, PHONE_MSG) phone?: string;
  @IsInt() @Min(1) communityId: number;
  @IsOptional() @IsInt() @Min(1) gridId?: number;
  @IsOptional() @IsDateString(DATE) @Length(10, 10) startDate?: string;
}

export class EndCadreAssignmentDto {
  @IsOptional() @IsDateString(DATE) @Length(10, 10) endDate?: string;
  @IsOptional() @IsString() @MaxLength(500) reason?: string;
}

export class CadresQuery {
  @IsOptional() @IsIn(['true', 'false']) includeEnded?: string;
}

// ── convenience desks ────────────────────────────────────────────────────────

export class DeskWorkerDto {
  @IsString() @Length(1, 60) @Matches(NOT_BLANK, notBlank('name')) name: string;
  @IsString() @Length(1, 60) role: string;
  @IsString() @Length(1, 40) @Matches(PHONE, PHONE_MSG) phone: string;
}

export class HotlineDto {
  @IsString() @Length(1, 60) @Matches(NOT_BLANK, notBlank('name')) name: string;
  @IsString() @Length(1, 40) @Matches(PHONE, PHONE_MSG) phone: string;
}

export class CreateDeskDto {
  @IsString() @Length(1, 120) @Matches(NOT_BLANK, notBlank('building')) building: string;
  @IsOptional() @IsInt() @Min(1) buildingGroupId?: number;
  @IsArray() @ArrayMaxSize(30) @ValidateNested({ each: true }) @Type(() => DeskWorkerDto) workers: DeskWorkerDto[];
  @IsArray() @ArrayMaxSize(30) @ValidateNested({ each: true }) @Type(() => HotlineDto) hotlines: HotlineDto[];
}

export class UpdateDeskDto {
  @IsInt() @Min(1) version: number;
  @IsOptional() @IsString() @Length(1, 120) @Matches(NOT_BLANK, notBlank('building')) building?: string;
  /** null detaches the desk from its building group. */
  @IsOptional() @IsInt() @Min(1) buildingGroupId?: number | null;
  @IsOptional() @IsArray() @ArrayMaxSize(30) @ValidateNested({ each: true }) @Type(() => DeskWorkerDto) workers?: DeskWorkerDto[];
  @IsOptional() @IsArray() @ArrayMaxSize(30) @ValidateNested({ each: true }) @Type(() => HotlineDto) hotlines?: HotlineDto[];
  @IsOptional() @IsString() @MaxLength(500) reason?: string;
}

// ── service catalogue ────────────────────────────────────────────────────────

const SERVICE_CODE = /^[A-Za-z0-9_.-]{1,40}$/;
const SERVICE_CODE_MSG = { message: 'code must be 1 to 40 letters, digits, _, . or -' };

export class CreateCatalogueServiceDto {
  @IsString() @Matches(SERVICE_CODE, SERVICE_CODE_MSG) code: string;
  @IsString() @Length(1, 120) @Matches(NOT_BLANK, notBlank('name')) name: string;
  @IsString() @Length(1, 60) @Matches(NOT_BLANK, notBlank('category')) category: string;
  @IsArray() @ArrayMaxSize(50) @IsString({ each: true }) @Length(1, 200, { each: true }) materials: string[];
  @IsInt() @Min(0) @Max(365) timeLimitDays: number;
  @IsOptional() @IsString() @MaxLength(2000) description?: string;
}

export class UpdateCatalogueServiceDto {
  @IsInt() @Min(1) version: number;
  @IsOptional() @IsString() @Matches(SERVICE_CODE, SERVICE_CODE_MSG) code?: string;
  @IsOptional() @IsString() @Length(1, 120) @Matches(NOT_BLANK, notBlank('name')) name?: string;
  @IsOptional() @IsString() @Length(1, 60) @Matches(NOT_BLANK, notBlank('category')) category?: string;
  @IsOptional() @IsArray() @ArrayMaxSize(50) @IsString({ each: true }) @Length(1, 200, { each: true }) materials?: string[];
  @IsOptional() @IsInt() @Min(0) @Max(365) timeLimitDays?: number;
  @IsOptional() @IsString() @MaxLength(2000) description?: string | null;
  @IsOptional() @IsString() @MaxLength(500) reason?: string;
}

export class SetCommunityCatalogueDto {
  @IsArray() @ArrayMaxSize(1000) @ArrayUnique() @IsInt({ each: true }) @Min(1, { each: true }) serviceIds: number[];
  @IsOptional() @IsString() @MaxLength(500) reason?: string;
}

export class CatalogueQuery {
  @IsOptional() @IsString() @MaxLength(60) q?: string;
  @IsOptional() @IsString() @MaxLength(60) category?: string;
}

// ── compounds and coverage ───────────────────────────────────────────────────

export class CreateCompoundDto {
  @IsString() @Length(1, 120) @Matches(NOT_BLANK, notBlank('name')) name: string;
  @IsOptional() @IsInt() @Min(0) @Max(100000) households?: number;
  @IsOptional() @IsBoolean() propertyManaged?: boolean;
  @IsOptional() @IsString() @Length(1, 120) propertyCompany?: string;
  @IsOptional() @IsInt() @Min(1) branchId?: number;
  @IsOptional() @IsBoolean() branchPlanned?: boolean;
}

export class UpdateCompoundDto {
  @IsInt() @Min(1) version: number;
  @IsOptional() @IsString() @Length(1, 120) @Matches(NOT_BLANK, notBlank('name')) name?: string;
  @IsOptional() @IsInt() @Min(0) @Max(100000) households?: number;
  @IsOptional() @IsBoolean() propertyManaged?: boolean;
  @IsOptional() @IsString() @Length(1, 120) propertyCompany?: string | null;
  /** null unlinks the branch. */
  @IsOptional() @IsInt() @Min(1) branchId?: number | null;
  @IsOptional() @IsBoolean() branchPlanned?: boolean;
  @IsOptional() @IsString() @MaxLength(500) reason?: string;
}

export class CoverageQuery {
  @IsOptional() @IsInt() @Min(1) streetId?: number;
}
