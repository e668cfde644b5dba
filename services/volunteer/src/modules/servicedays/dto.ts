import { IsDateString, IsInt, IsOptional, Length, Min } from 'class-validator';

export class CalendarQuery {
  @IsOptional() @IsDateString({ strict: true }) @Length(10, 10) from?: string;
  @IsOptional() @IsDateString({ strict: true }) @Length(10, 10) to?: string;
  @IsOptional() @IsInt() @Min(1) communityId?: number;
}
