import {
  ArrayMaxSize, ArrayMinSize, IsArray, IsBoolean, IsDateString, IsIn, IsInt, IsNumber, IsOptional, IsString, Length, Matches, Max, MaxLength, Min, ValidateNested,
} from 'class-validator';
import { Type } from 'class-transformer';
import { ITEM_ACTIONS, ITEM_KINDS, ITEM_STATUSES, REPORTER_SOURCES, type ItemAction, type ItemKind, type ItemStatus } from '../../domain';

export class CreateItemDto {
  @IsOptional() @IsInt() @Min(1) communityId?: number;
  @IsInt() @Min(1) categoryId: number;
  @IsString() @Length(2, 200) place: string;
  @IsString() @Length(4, 2000) description: string;
  @IsOptional() @IsIn(REPORTER_SOURCES as unknown as string[]) source?: (typeof REPORTER_SOURCES)[number];
  @IsOptional() @IsString() @MaxLength(40) reporterName?: string;
}

export class HoursDto {
  @IsOptional() @IsInt() @Min(1) memberId?: number;
  @IsString() @Length(1, 40) name: string;
  @IsNumber({ maxDecimalPlaces: 2 }) @Min(0.25) @Max(24) hours: number;
}

export class ItemTransitionDto {
  @IsIn(ITEM_ACTIONS as unknown as string[]) action: ItemAction;
  @IsInt() @Min(1) version: number;
  @IsOptional() @IsString() @Length(2, 500) reason?: string;
  // publish
  @IsOptional() @IsIn(ITEM_KINDS as unknown as string[]) kind?: ItemKind;
  @IsOptional() @IsInt() @Min(1) @Max(500) capacity?: number;
  @IsOptional() @IsDateString({ strict: true }) deadline?: string;
  @IsOptional() @IsBoolean() pledge?: boolean;
  // refer / merge
  @IsOptional() @IsString() @Length(2, 200) referralBody?: string;
  @IsOptional() @IsInt() @Min(1) mergeIntoId?: number;
  // assign (吹哨)
  @IsOptional() @IsInt() @Min(1) unitId?: number;
  @IsOptional() @IsInt() @Min(1) @Max(30) responseDays?: number;
  // schedule
  @IsOptional() @IsDateString({ strict: true }) @Length(10, 10) date?: string;
  // complete
  @IsOptional() @IsArray() @ArrayMinSize(1) @ArrayMaxSize(200) @ValidateNested({ each: true }) @Type(() => HoursDto) hours?: HoursDto[];
  @IsOptional() @IsString() @MaxLength(2000) note?: string;
  // confirm
  @IsOptional() @IsInt() @Min(1) @Max(5) rating?: number;
}

const STATUSES_PATTERN = new RegExp(`^(${ITEM_STATUSES.join('|')})(,(${ITEM_STATUSES.join('|')})){0,${ITEM_STATUSES.length - 1}}$`);

export class ListItemsQuery {
  @IsOptional() @IsIn(ITEM_STATUSES as unknown as string[]) status?: ItemStatus;
  /** Several statuses, comma-separated (我的任务's 进行中 / 已交付); each must be a status (400 naming `statuses`). */
  @IsOptional() @IsString() @Matches(STATUSES_PATTERN, { message: 'statuses must be item statuses, comma-separated' }) statuses?: string;
  @IsOptional() @IsIn(['open', 'mine']) view?: 'open' | 'mine';
  /** Items a street assigned (吹哨派单): true → assigned_by set, false → not. */
  @IsOptional() @IsIn(['true', 'false']) assigned?: string;
  /** Items scheduled on this day (YYYY-MM-DD). */
  @IsOptional() @IsDateString({ strict: true }) @Length(10, 10) scheduledDate?: string;
  @IsOptional() @IsInt() @Min(1) communityId?: number;
  @IsOptional() @IsInt() @Min(1) categoryId?: number;
  @IsOptional() @IsInt() @Min(1) unitId?: number;
  @IsOptional() @IsIn(['true', 'false']) pledge?: string;
  @IsOptional() @IsIn(REPORTER_SOURCES as unknown as string[]) source?: (typeof REPORTER_SOURCES)[number];
  @IsOptional() @IsString() @Length(1, 40) q?: string;
  @IsOptional() @IsInt() @Min(1) limit?: number;
  @IsOptional() @IsString() @MaxLength(200) cursor?: string;
  /** Page mode (numbered pages with a total): see @redheart/shared paging. */
  @IsOptional() @IsInt() @Min(1) page?: number;
}
