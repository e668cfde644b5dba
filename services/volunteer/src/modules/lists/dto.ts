import { ArrayMaxSize, IsArray, IsBoolean, IsDateString, IsIn, IsInt, IsNumber, IsOptional, IsString, Length, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import { Type } from 'class-transformer';
import { PROJECT_STATUSES, type ProjectStatus } from '../../domain';

const STATUSES = PROJECT_STATUSES as unknown as string[];

export class CategoryDto {
  @IsString() @Length(2, 20) code: string;
  @IsString() @Length(1, 40) name: string;
  @IsOptional() @IsString() @MaxLength(80) nameEn?: string;
  @IsOptional() @IsInt() @Min(0) sort?: number;
}
export class CategoryPatchDto {
  @IsInt() @Min(1) version: number;
  @IsOptional() @IsString() @Length(1, 40) name?: string;
  @IsOptional() @IsString() @MaxLength(80) nameEn?: string;
  @IsOptional() @IsInt() @Min(0) sort?: number;
  @IsOptional() @IsBoolean() active?: boolean;
}
export class PracticalProjectDto {
  @IsString() @Length(2, 20) code: string;
  @IsString() @Length(2, 80) name: string;
  @IsOptional() @IsString() @MaxLength(1000) description?: string;
  @IsDateString({ strict: true }) @Length(10, 10) launchedOn: string;
  @IsOptional() @IsInt() @Min(0) @Max(100) progress?: number;
  @IsOptional() @IsIn(STATUSES) status?: ProjectStatus;
}
export class PracticalProjectPatchDto {
  @IsInt() @Min(1) version: number;
  @IsOptional() @IsString() @Length(2, 80) name?: string;
  @IsOptional() @IsString() @MaxLength(1000) description?: string;
  @IsOptional() @IsInt() @Min(0) @Max(100) progress?: number;
  @IsOptional() @IsIn(STATUSES) status?: ProjectStatus;
}
export class CommunityFilter {
  @IsOptional() @IsInt() @Min(1) communityId?: number;
}
export class ResourceDto {
  @IsString() @Length(2, 80) title: string;
  @IsOptional() @IsString() @MaxLength(1000) description?: string;
  @IsOptional() @IsInt() @Min(1) categoryId?: number;
  @IsOptional() @IsInt() @Min(1) communityId?: number;
  @IsOptional() @IsInt() @Min(1) @Max(1000) capacity?: number;
}
export class MilestoneDto {
  @IsString() @Length(1, 80) title: string;
  @IsOptional() @IsDateString({ strict: true }) @Length(10, 10) due?: string;
  @IsOptional() @IsBoolean() done?: boolean;
}
export class ProjectDto {
  @IsInt() @Min(1) communityId: number;
  @IsString() @Length(2, 80) name: string;
  @IsOptional() @IsInt() @Min(1) unitId?: number;
  @IsOptional() @IsInt() @Min(1) resourceId?: number;
  @IsOptional() @IsInt() @Min(1) practicalProjectId?: number;
  @IsOptional() @IsNumber({ maxDecimalPlaces: 2 }) @Min(0) @Max(1e9) budgetYuan?: number;
  @IsOptional() @IsArray() @ArrayMaxSize(30) @ValidateNested({ each: true }) @Type(() => MilestoneDto) milestones?: MilestoneDto[];
}
export class ProjectPatchDto {
  @IsInt() @Min(1) version: number;
  @IsOptional() @IsIn(STATUSES) status?: ProjectStatus;
  @IsOptional() @IsNumber({ maxDecimalPlaces: 2 }) @Min(0) @Max(1e9) budgetYuan?: number;
  @IsOptional() @IsArray() @ArrayMaxSize(30) @ValidateNested({ each: true }) @Type(() => MilestoneDto) milestones?: MilestoneDto[];
}
