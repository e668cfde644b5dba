import { IsInt, IsOptional, Min } from 'class-validator';

export class CoverageQuery {
  @IsOptional() @IsInt() @Min(1) streetId?: number;
}
