import { ATTENDANCES as ATTENDANCE, MEETING_STATUSES } from '@redheart/shared';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsDateString, IsIn, IsInt, IsNumber, IsOptional, IsString, Length, Matches, Max, MaxLength, Min, ValidateNested } from 'class-validator';

// The messages name the field in zh-CN: they reach the clerk as the 400's message and details.
// Meeting statuses and attendance are written once for the services and the SPA (shared/src/workflows/vocabulary.ts).
export { ATTENDANCE, MEETING_STATUSES };
export const WORK_KINDS = ['item', 'project'] as const;

export class ConveneMeetingDto {
  @IsString({ message: 'title（会议名称）须为文字' }) @Length(2, 80, { message: 'title（会议名称）须为 2–80 个字' }) title: string;
  @IsDateString({ strict: true }, { message: 'heldAt（会议时间）须为 ISO 日期时间，如 2026-01-15T09:00:00+08:00' }) heldAt: string;
  @IsOptional() @IsString({ message: 'place（地点）须为文字' }) @MaxLength(120, { message: 'place（地点）至多 120 个字' }) place?: string;
  @IsArray({ message: 'agenda（议程）须为列表' }) @ArrayMaxSize(20, { message: 'agenda（议程）至多 20 项' })
  @IsString({ each: true, message: 'agenda（议程）每项须为文字' }) @Length(1, 200, { each: true, message: 'agenda（议程）每项须为 1–200 个字' }) agenda: string[];
}

export class AttendanceDto {
  @IsInt({ message: 'attendeeId（参会人）须为整数' }) @Min(1, { message: 'attendeeId（参会人）须为正整数' }) attendeeId: number;
  @IsIn(ATTENDANCE as unknown as string[], { message: 'attendance（出席情况）须为 invited、present、absent 或 excused' }) attendance: (typeof ATTENDANCE)[number];
}

export class UpdateMeetingDto {
  @IsInt({ message: 'version（版本）须为整数' }) @Min(1, { message: 'version（版本）须为正整数' }) version: number;
  @IsOptional() @IsString({ message: 'title（会议名称）须为文字' }) @Length(2, 80, { message: 'title（会议名称）须为 2–80 个字' }) title?: string;
  @IsOptional() @IsDateString({ strict: true }, { message: 'heldAt（会议时间）须为 ISO 日期时间' }) heldAt?: string;
  @IsOptional() @IsString({ message: 'place（地点）须为文字' }) @MaxLength(120, { message: 'place（地点）至多 120 个字' }) place?: string;
  @IsOptional() @IsArray({ message: 'agenda（议程）须为列表' }) @ArrayMaxSize(20, { message: 'agenda（议程）至多 20 项' })
  @IsString({ each: true, message: 'agenda（议程）每项须为文字' }) @Length(1, 200, { each: true, message: 'agenda（议程）每项须为 1–200 个字' }) agenda?: string[];
  @IsOptional() @IsString({ message: 'minutes（会议纪要）须为文字' }) @MaxLength(10000, { message: 'minutes（会议纪要）至多 10000 个字' }) minutes?: string;
  @IsOptional() @IsIn(MEETING_STATUSES as unknown as string[], { message: 'status（状态）须为 convened、held 或 cancelled' }) status?: (typeof MEETING_STATUSES)[number];
  @IsOptional() @IsArray({ message: 'attendance（出席情况）须为列表' }) @ArrayMaxSize(200) @ValidateNested({ each: true }) @Type(() => AttendanceDto) attendance?: AttendanceDto[];
}

export class DecisionDto {
  @IsInt({ message: 'version（会议版本）须为整数' }) @Min(1, { message: 'version（会议版本）须为正整数' }) version: number;
  @IsString({ message: 'text（决议内容）须为文字' }) @Length(4, 1000, { message: 'text（决议内容）须为 4–1000 个字' }) text: string;
  @IsOptional() @IsString({ message: 'owner（责任人/单位）须为文字' }) @MaxLength(80, { message: 'owner（责任人/单位）至多 80 个字' }) owner?: string;
  @IsOptional() @IsDateString({ strict: true }, { message: 'dueOn（完成期限）须为日期，如 2026-02-01' }) @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'dueOn（完成期限）须为日期，如 2026-02-01' }) dueOn?: string;
}

export class DecisionWorkDto {
  @IsInt({ message: 'version（决议版本）须为整数' }) @Min(1, { message: 'version（决议版本）须为正整数' }) version: number;
  @IsIn(WORK_KINDS as unknown as string[], { message: 'kind（转为）须为 item（服务事项）或 project（项目）' }) kind: (typeof WORK_KINDS)[number];
  @IsOptional() @IsInt({ message: 'communityId（社区）须为整数' }) @Min(1, { message: 'communityId（社区）须为正整数' }) communityId?: number;
  @IsOptional() @IsInt({ message: 'categoryId（服务类别）须为整数' }) @Min(1, { message: 'categoryId（服务类别）须为正整数' }) categoryId?: number;
  @IsOptional() @IsString({ message: 'place（地点）须为文字' }) @Length(2, 200, { message: 'place（地点）须为 2–200 个字' }) place?: string;
  @IsOptional() @IsString({ message: 'description（内容）须为文字' }) @Length(4, 2000, { message: 'description（内容）须为 4–2000 个字' }) description?: string;
  @IsOptional() @IsString({ message: 'name（项目名称）须为文字' }) @Length(2, 80, { message: 'name（项目名称）须为 2–80 个字' }) name?: string;
  @IsOptional() @IsNumber({ maxDecimalPlaces: 2 }, { message: 'budgetYuan（预算）须为金额' }) @Min(0, { message: 'budgetYuan（预算）不能为负' }) @Max(1e9, { message: 'budgetYuan（预算）过大' }) budgetYuan?: number;
}

export class MeetingsQuery {
  @IsOptional() @IsInt({ message: 'orgId（组织）须为整数' }) @Min(1) orgId?: number;
  @IsOptional() @IsIn(MEETING_STATUSES as unknown as string[], { message: 'status（状态）须为 convened、held 或 cancelled' }) status?: string;
  @IsOptional() @IsInt() @Min(1) page?: number;
  @IsOptional() @IsInt() @Min(1) @Max(100) limit?: number;
}
