import { ArrayMaxSize, IsArray, IsIn, IsInt, IsOptional, IsString, Length, Matches, Min } from 'class-validator';
import { REPORT_DECISIONS, type ReportDecision, UNIT_REPORT_STATUSES, type UnitReportStatus } from '../../domain';

export class UnitReportDto {
  @IsInt() @Min(1) communityId: number;
  @IsArray() @ArrayMaxSize(20) @IsString({ each: true }) resources: string[];
  @IsString() @Length(1, 40) contactName: string;
  @IsString() @Matches(/^[0-9+\-() ]{5,20}$/, { message: 'contactPhone must be a phone number', context: { code: 'phone' } }) contactPhone: string;
}

export class MemberReportDto {
  @IsString() @Length(1, 40) name: string;
  @IsOptional() @IsString() @Matches(/^[0-9+\-() ]{5,20}$/, { message: 'phone must be a phone number', context: { code: 'phone' } }) phone?: string;
  @IsOptional() @IsInt() @Min(1) unitId?: number;
}

export class DecisionDto {
  @IsIn(REPORT_DECISIONS as unknown as string[]) decision: ReportDecision;
  @IsInt() @Min(1) version: number;
  @IsOptional() @IsString() @Length(2, 300) reason?: string;
}

export class ListQuery {
  @IsOptional() @IsIn(UNIT_REPORT_STATUSES as unknown as string[]) status?: UnitReportStatus;
  @IsOptional() @IsInt() @Min(1) communityId?: number;
  /** A name (the unit's or its contact's; the member's or their username), part of it. */
  @IsOptional() @IsString() @Length(1, 40) q?: string;
  /** Page mode (numbered pages with a total, @redheart/shared paging); without `page` the whole list as before. */
  @IsOptional() @IsInt() @Min(1) page?: number;
  @IsOptional() @IsInt() @Min(1) limit?: number;
}
