import { IsInt, IsOptional, Min } from 'class-validator';

/** GET /api/volunteer/overview?streetId=&communityId= */
export class OverviewQuery {
  @IsOptional() @IsInt() @Min(1) streetId?: number;
  @IsOptional() @IsInt() @Min(1) communityId?: number;
}
