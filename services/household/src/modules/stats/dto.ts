import { IsInt, IsOptional, IsString, Length, Min } from 'class-validator';

export class SummaryQuery {
  @IsOptional() @IsString() @Length(7, 10) from?: string;
  @IsOptional() @IsString() @Length(7, 10) to?: string;
  @IsOptional() @IsInt() @Min(1) communityId?: number;
}

export class CountiesQuery {
  @IsOptional() @IsString() @Length(7, 10) from?: string;
  @IsOptional() @IsString() @Length(7, 10) to?: string;
}
