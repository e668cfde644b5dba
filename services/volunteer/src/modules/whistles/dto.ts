import {
  ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsDateString, IsIn, IsInt, IsOptional, IsString, Length, Max, MaxLength, Min,
} from 'class-validator';
import { Transform } from 'class-transformer';
import { RESPONSE_ACTIONS, type ResponseAction, WHISTLE_ACTIONS, WHISTLE_STATUSES, type WhistleAction, type WhistleStatus } from '../../domain';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);
const DEPARTMENTS = 'departmentIds 应为 1 至 10 个不重复的县直部门编号';

/** A street's whistle (or a community's proposal to its street). */
export class CreateWhistleDto {
  @Transform(trim) @IsString({ message: 'title 应为 2 至 80 个字' }) @Length(2, 80, { message: 'title 应为 2 至 80 个字' }) title: string;
  @Transform(trim) @IsString({ message: 'description 应为 4 至 2000 个字' }) @Length(4, 2000, { message: 'description 应为 4 至 2000 个字' }) description: string;
  @IsOptional() @Transform(trim) @IsString({ message: 'place 最多 200 个字' }) @MaxLength(200, { message: 'place 最多 200 个字' }) place?: string;
  @IsDateString({ strict: true }, { message: 'deadline 应为 ISO 8601 时间（如 2026-12-31T17:00:00+08:00）' }) deadline: string;
  @IsArray({ message: DEPARTMENTS }) @ArrayMinSize(1, { message: DEPARTMENTS }) @ArrayMaxSize(10, { message: DEPARTMENTS }) @ArrayUnique({ message: DEPARTMENTS })
  @IsInt({ each: true, message: DEPARTMENTS }) @Min(1, { each: true, message: DEPARTMENTS })
  departmentIds: number[];
  /** The community the issue is in (a street's whistle on behalf of one of its communities). */
  @IsOptional() @IsInt({ message: 'communityId 应为社区编号' }) @Min(1, { message: 'communityId 应为社区编号' }) communityId?: number;
}

/** The street's action on a whistle. */
export class WhistleTransitionDto {
  @IsIn(WHISTLE_ACTIONS as unknown as string[], { message: `action 应为 ${WHISTLE_ACTIONS.join(' / ')} 之一` }) action: WhistleAction;
  @IsInt({ message: 'version 应为当前版本号' }) @Min(1, { message: 'version 应为当前版本号' }) version: number;
  @IsOptional() @Transform(trim) @IsString({ message: 'reason 应为 2 至 500 个字' }) @Length(2, 500, { message: 'reason 应为 2 至 500 个字' }) reason?: string;
  /** send: the departments, when the street changes the community's proposal. */
  @IsOptional() @IsArray({ message: DEPARTMENTS }) @ArrayMinSize(1, { message: DEPARTMENTS }) @ArrayMaxSize(10, { message: DEPARTMENTS }) @ArrayUnique({ message: DEPARTMENTS })
  @IsInt({ each: true, message: DEPARTMENTS }) @Min(1, { each: true, message: DEPARTMENTS })
  departmentIds?: number[];
  /** send: a new deadline. */
  @IsOptional() @IsDateString({ strict: true }, { message: 'deadline 应为 ISO 8601 时间（如 2026-12-31T17:00:00+08:00）' }) deadline?: string;
}

/** A department's answer (报到) or the street's / the county's action on one response. */
export class ResponseTransitionDto {
  @IsIn(RESPONSE_ACTIONS as unknown as string[], { message: `action 应为 ${RESPONSE_ACTIONS.join(' / ')} 之一` }) action: ResponseAction;
  @IsInt({ message: 'version 应为当前版本号' }) @Min(1, { message: 'version 应为当前版本号' }) version: number;
  @IsOptional() @Transform(trim) @IsString({ message: 'reason 应为 2 至 500 个字' }) @Length(2, 500, { message: 'reason 应为 2 至 500 个字' }) reason?: string;
  /** act: what the department is doing. */
  @IsOptional() @Transform(trim) @IsString({ message: 'note 应为 2 至 1000 个字' }) @Length(2, 1000, { message: 'note 应为 2 至 1000 个字' }) note?: string;
  /** report: the result. */
  @IsOptional() @Transform(trim) @IsString({ message: 'result 应为 2 至 2000 个字' }) @Length(2, 2000, { message: 'result 应为 2 至 2000 个字' }) result?: string;
  /** rate: 1–5. */
  @IsOptional() @IsInt({ message: 'rating 应为 1 至 5 的整数' }) @Min(1, { message: 'rating 应为 1 至 5 的整数' }) @Max(5, { message: 'rating 应为 1 至 5 的整数' }) rating?: number;
  /** supervise (督办): the new deadline. */
  @IsOptional() @IsDateString({ strict: true }, { message: 'deadline 应为 ISO 8601 时间（如 2026-12-31T17:00:00+08:00）' }) deadline?: string;
}

export class ListWhistlesQuery {
  @IsOptional() @IsIn(WHISTLE_STATUSES as unknown as string[], { message: `status 应为 ${WHISTLE_STATUSES.join(' / ')} 之一` }) status?: WhistleStatus;
  /** mine: for a department, the whistles still waiting for its answer. */
  @IsOptional() @IsIn(['open'], { message: 'view 只能为 open' }) view?: 'open';
  @IsOptional() @IsString() @Length(1, 40, { message: 'q 应为 1 至 40 个字' }) q?: string;
  @IsOptional() @IsInt({ message: 'page 须为从 1 起的整数' }) @Min(1, { message: 'page 须为从 1 起的整数' }) page?: number;
  @IsOptional() @IsInt({ message: 'limit 应为 1 至 100' }) @Min(1, { message: 'limit 应为 1 至 100' }) @Max(100, { message: 'limit 应为 1 至 100' }) limit?: number;
}

export class DepartmentScorecardQuery {
  @IsOptional() @IsDateString({ strict: true }, { message: 'from 应为日期（YYYY-MM-DD）' }) @Length(10, 10, { message: 'from 应为日期（YYYY-MM-DD）' }) from?: string;
  @IsOptional() @IsDateString({ strict: true }, { message: 'to 应为日期（YYYY-MM-DD）' }) @Length(10, 10, { message: 'to 应为日期（YYYY-MM-DD）' }) to?: string;
}
