import { ArrayMaxSize, IsArray, IsIn, IsInt, IsOptional, IsString, Length, Matches, MaxLength, Min } from 'class-validator';
import { APPLICATION_ACTIONS, APPLICATION_STATUSES, type ApplicationAction, type ApplicationStatus } from './domain';

/** Messages in zh-CN, each naming its field: the clerk sees them as they are. */
export class CreateApplicationDto {
  @IsInt({ message: 'serviceId 必须是目录清单中事项的编号（正整数）' }) @Min(1, { message: 'serviceId 必须是正整数' }) serviceId: number;
  /** Required for roles above a community; a community's staff default to their own. */
  @IsOptional() @IsInt({ message: 'communityId 必须是正整数' }) @Min(1, { message: 'communityId 必须是正整数' }) communityId?: number;
  @IsString({ message: 'applicantName 必须是文字' }) @Length(1, 40, { message: 'applicantName（申请人姓名）长度应为 1–40 个字' }) applicantName: string;
  @IsOptional() @IsString({ message: 'applicantPhone 必须是文字' })
  @Matches(/^[0-9+\-() ]{5,20}$/, { message: 'applicantPhone（联系电话）格式不正确', context: { code: 'phone' } }) applicantPhone?: string;
  /** Materials of the service's list already handed in. */
  @IsOptional() @IsArray({ message: 'provided 必须是材料名称的数组' }) @ArrayMaxSize(30, { message: 'provided 最多 30 项' })
  @IsString({ each: true, message: 'provided 的每一项必须是材料名称' }) provided?: string[];
}

export class ApplicationTransitionDto {
  @IsIn(APPLICATION_ACTIONS as unknown as string[], { message: `action 必须是以下之一：${APPLICATION_ACTIONS.join('、')}` }) action: ApplicationAction;
  @IsInt({ message: 'version 必须是正整数（申请的当前版本）' }) @Min(1, { message: 'version 必须是正整数' }) version: number;
  @IsOptional() @IsString({ message: 'reason 必须是文字' }) @Length(2, 500, { message: 'reason（理由）长度应为 2–500 个字' }) reason?: string;
  /** supplement: materials now handed in; request_supplement: the ones to ask for (default: every missing one). */
  @IsOptional() @IsArray({ message: 'provided 必须是材料名称的数组' }) @ArrayMaxSize(30) @IsString({ each: true, message: 'provided 的每一项必须是材料名称' }) provided?: string[];
  @IsOptional() @IsArray({ message: 'missingItems 必须是材料名称的数组' }) @ArrayMaxSize(30) @IsString({ each: true, message: 'missingItems 的每一项必须是材料名称' }) missingItems?: string[];
  /** hand_over: the county department that decides (e.g. 栖霞市人力资源和社会保障局). */
  @IsOptional() @IsString({ message: 'department 必须是文字' }) @Length(2, 60, { message: 'department（承办部门）长度应为 2–60 个字' }) department?: string;
  /** complete: the result given to the resident (证件编号、批复文号等). */
  @IsOptional() @IsString({ message: 'result 必须是文字' }) @MaxLength(500, { message: 'result（办理结果）最多 500 个字' }) result?: string;
  @IsOptional() @IsString({ message: 'note 必须是文字' }) @MaxLength(500, { message: 'note（备注）最多 500 个字' }) note?: string;
}

export class ListApplicationsQuery {
  @IsOptional() @IsIn(APPLICATION_STATUSES as unknown as string[], { message: `status 必须是以下之一：${APPLICATION_STATUSES.join('、')}` }) status?: ApplicationStatus;
  @IsOptional() @IsInt({ message: 'serviceId 必须是正整数' }) @Min(1, { message: 'serviceId 必须是正整数' }) serviceId?: number;
  @IsOptional() @IsInt({ message: 'communityId 必须是正整数' }) @Min(1, { message: 'communityId 必须是正整数' }) communityId?: number;
  @IsOptional() @IsIn(['true', 'false'], { message: 'overdue 必须是 true 或 false' }) overdue?: string;
  @IsOptional() @IsString() @Length(1, 40, { message: 'q（搜索）长度应为 1–40 个字' }) q?: string;
  @IsOptional() @IsInt({ message: 'page 必须是正整数' }) @Min(1, { message: 'page 必须是正整数' }) page?: number;
  @IsOptional() @IsInt({ message: 'limit 必须是 1–100 的整数' }) @Min(1, { message: 'limit 必须是 1–100 的整数' }) limit?: number;
}

export class ApplicationStatsQuery {
  @IsOptional() @IsInt({ message: 'communityId 必须是正整数' }) @Min(1, { message: 'communityId 必须是正整数' }) communityId?: number;
}

export class CatalogueQuery {
  @IsOptional() @IsString() @Length(1, 40, { message: 'q（搜索）长度应为 1–40 个字' }) q?: string;
}
