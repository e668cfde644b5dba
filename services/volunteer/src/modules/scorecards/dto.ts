import { IsDateString, IsInt, IsOptional, IsString, Length, Min } from 'class-validator';

export class RangeQuery {
  @IsOptional() @IsDateString({ strict: true }) @Length(10, 10) from?: string;
  @IsOptional() @IsDateString({ strict: true }) @Length(10, 10) to?: string;
  @IsOptional() @IsInt() @Min(1) communityId?: number;
}

/** 单位积分: the range, a unit's name (part of it), and page mode (numbered pages with a total; without `page` every unit as before). */
export class UnitListQuery extends RangeQuery {
  @IsOptional() @IsString() @Length(1, 40) q?: string;
  @IsOptional() @IsInt() @Min(1) page?: number;
  @IsOptional() @IsInt() @Min(1) limit?: number;
}
