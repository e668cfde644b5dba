import { IsDateString, IsInt, IsOptional, IsString, Length, Matches, Max, MaxLength, Min } from 'class-validator';
import { DATE, NOT_BLANK, notBlank, PHONE, PHONE_MSG } from '../dto-rules';

const GRID_CODE = /^[A-Za-z0-9_.-]{1,20}$/;
const GRID_CODE_MSG = { message: 'code must be 1 to 20 letters, digits, _, . or -' };

export class CreateGridDto {
  @IsString() @Matches(GRID_CODE, GRID_CODE_MSG) code: string;
  @IsString() @Length(1, 60) @Matches(NOT_BLANK, notBlank('name')) name: string;
  @IsInt() @Min(0) @Max(5000) households: number;
  @IsOptional() @IsString() @MaxLength(60) workerName?: string;
  @IsOptional() @IsString() @MaxLength(40) @Matches(PHONE, PHONE_MSG) workerPhone?: string;
  @IsOptional() @IsDateString(DATE) @Length(10, 10) validFrom?: string;
}

export class UpdateGridDto {
  @IsInt() @Min(1) version: number;
  @IsOptional() @IsString() @Matches(GRID_CODE, GRID_CODE_MSG) code?: string;
  @IsOptional() @IsString() @Length(1, 60) @Matches(NOT_BLANK, notBlank('name')) name?: string;
  @IsOptional() @IsInt() @Min(0) @Max(5000) households?: number;
  @IsOptional() @IsString() @MaxLength(60) workerName?: string | null;
  @IsOptional() @IsString() @MaxLength(40) @Matches(PHONE, PHONE_MSG) workerPhone?: string | null;
  @IsOptional() @IsString() @MaxLength(500) reason?: string;
}

