import { Type } from 'class-transformer';
import {
  ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsInt, IsNumber, IsOptional, IsString, Length, MaxLength, Min, ValidateNested,
} from 'class-validator';
import { TASK_ACTIONS, TASK_KINDS, TASK_STATUSES, type TaskAction, type TaskKind, type TaskStatus } from './service';

export class OwnerDto {
  @IsString() @Length(1, 40) name: string;
  /** Checked against GB 11643 by the register, which names the failing row in its report. */
  @IsString() @Length(1, 40) idNumber: string;
}

export class PropertyDto {
  @IsString() @Length(1, 60) certificateNo: string;
  /** Required for roles above a community: its id or 12-digit division code. */
  @IsOptional() @IsString() @Length(1, 40) community?: string;
  @IsOptional() @IsInt() @Min(1) communityId?: number;
  @IsString() @Length(1, 200) address: string;
  @IsOptional() @IsString() @MaxLength(40) building?: string;
  @IsOptional() @IsString() @MaxLength(40) unit?: string;
  @IsOptional() @IsString() @MaxLength(40) room?: string;
  @IsOptional() @IsNumber() area?: number;
  @IsOptional() @IsString() @MaxLength(40) gridCode?: string;
  @IsArray() @ArrayMaxSize(50) @ValidateNested({ each: true }) @Type(() => OwnerDto) owners: OwnerDto[];
}

export class ImportPropertiesDto {
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(5000) @ValidateNested({ each: true }) @Type(() => PropertyDto) properties: PropertyDto[];
}

export class DryRunQuery {
  @IsOptional() @IsIn(['true', 'false']) dryRun?: string;
}

export class CommunityQuery {
  @IsOptional() @IsInt() @Min(1) communityId?: number;
}

export class TaskFilterQuery {
  @IsOptional() @IsInt() @Min(1) communityId?: number;
  @IsOptional() @IsString() @Length(1, 20) gridCode?: string;
  @IsOptional() @IsIn(TASK_STATUSES as unknown as string[]) status?: TaskStatus;
  @IsOptional() @IsIn(TASK_KINDS as unknown as string[]) kind?: TaskKind;
}

export class ListTasksQuery extends TaskFilterQuery {
  @IsOptional() @IsInt() @Min(1) limit?: number;
  @IsOptional() @IsInt() @Min(1) after?: number;
  @IsOptional() @IsInt() @Min(1) page?: number;
}

export class TaskTransitionDto {
  @IsIn(TASK_ACTIONS as unknown as string[]) action: TaskAction;
  @IsInt() @Min(1) version: number;
  @IsOptional() @IsInt() @Min(1) caseId?: number;
  @IsOptional() @IsString() @Length(1, 500) note?: string;
}
