import {
  ArrayMaxSize, ArrayMinSize, IsArray, IsBoolean, IsIn, IsInt, IsOptional, IsString, Length, Matches, MaxLength, Min, ValidateNested,
} from 'class-validator';
import { Type } from 'class-transformer';
import { ACTIONS, CASE_STATUSES, CASE_TYPES, EMPLOYERS, RELATIONS, type Action, type CaseStatus, type CaseType, type Employer, type Relation } from '../../domain';

export class CasePersonDto {
  @IsString() @Length(1, 40) name: string;
  /** Checked against GB 11643 by the service, which names the failing person in its 400. */
  @IsString() @Length(1, 40) idNumber: string;
  @IsIn(RELATIONS as unknown as string[]) relation: Relation;
  /** 机关事业单位 / 企业 / 其他; unknown when left out. */
  @IsOptional() @IsIn(EMPLOYERS as unknown as string[]) employer?: Employer;
}

export class NewHouseholdDto {
  @IsIn(['family', 'collective']) kind: 'family' | 'collective';
  @IsOptional() @IsString() @MaxLength(20) building?: string;
  @IsOptional() @IsString() @MaxLength(20) unit?: string;
  @IsOptional() @IsString() @MaxLength(20) room?: string;
  @IsString() @Length(2, 200) address: string;
  @IsOptional() @IsString() @MaxLength(20) gridCode?: string;
}

export class CreateCaseDto {
  @IsIn(CASE_TYPES as unknown as string[]) type: CaseType;
  /** Required for roles above a community; a community's staff default to their own. */
  @IsOptional() @IsInt() @Min(1) communityId?: number;
  @IsString() @Length(1, 40) applicantName: string;
  @IsOptional() @IsString() @Matches(/^[0-9+\-() ]{5,20}$/, { message: 'applicantPhone must be a phone number', context: { code: 'phone' } }) applicantPhone?: string;
  @IsOptional() @IsBoolean() greenChannel?: boolean;
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(20) @ValidateNested({ each: true }) @Type(() => CasePersonDto) persons: CasePersonDto[];
  @IsOptional() @IsInt() @Min(1) targetHouseholdId?: number;
  @IsOptional() @ValidateNested() @Type(() => NewHouseholdDto) newHousehold?: NewHouseholdDto;
  @IsOptional() @IsInt() @Min(1) sourceHouseholdId?: number;
  @IsOptional() @IsString() @Length(2, 200) destination?: string;
  @IsOptional() @IsString() @Length(4, 40) propertyCertificateNo?: string;
  /** Items of the type's checklist already handed in. */
  @IsOptional() @IsArray() @ArrayMaxSize(20) @IsString({ each: true }) provided?: string[];
}

export class AttachmentDto {
  @IsString() @Length(1, 200) name: string;
  @IsOptional() @IsString() @MaxLength(500) ref?: string;
}

export class TransitionDto {
  @IsIn(ACTIONS as unknown as string[]) action: Action;
  @IsInt() @Min(1) version: number;
  @IsOptional() @IsString() @Length(2, 500) reason?: string;
  @IsOptional() @IsString() @Length(2, 60) approvalNo?: string;
  @IsOptional() @IsArray() @ArrayMaxSize(20) @IsString({ each: true }) missingItems?: string[];
  @IsOptional() @IsArray() @ArrayMaxSize(20) @IsString({ each: true }) provided?: string[];
  @IsOptional() @IsBoolean() originalsVerified?: boolean;
  @IsOptional() @IsString() @MaxLength(500) note?: string;
  @IsOptional() @IsArray() @ArrayMaxSize(10) @ValidateNested({ each: true }) @Type(() => AttachmentDto) attachments?: AttachmentDto[];
}

export class ListCasesQuery {
  @IsOptional() @IsIn(CASE_STATUSES as unknown as string[]) status?: CaseStatus;
  @IsOptional() @IsIn(CASE_TYPES as unknown as string[]) type?: CaseType;
  @IsOptional() @IsInt() @Min(1) communityId?: number;
  @IsOptional() @IsIn(['true', 'false']) overdue?: string;
  @IsOptional() @IsIn(['true', 'false']) greenChannel?: string;
  @IsOptional() @IsString() @Length(1, 40) q?: string;
  @IsOptional() @IsInt() @Min(1) limit?: number;
  @IsOptional() @IsString() @MaxLength(200) cursor?: string;
  /** Page mode (numbered pages with a total): see @redheart/shared paging. */
  @IsOptional() @IsInt() @Min(1) page?: number;
}
