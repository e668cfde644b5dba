import { IsInt, IsOptional, Min } from 'class-validator';
import { HouseholdQuery } from '../register/dto';
import { TaskFilterQuery } from '../separation/dto';

/** The filters of GET /households (limit and after are read, and ignored: an export has every page). */
export class HouseholdExportQuery extends HouseholdQuery {}

export class TaskExportQuery extends TaskFilterQuery {
  @IsOptional() @IsInt() @Min(1) limit?: number;
  @IsOptional() @IsInt() @Min(1) after?: number;
}
