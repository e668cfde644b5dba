import { ArrayMaxSize, ArrayUnique, IsArray, IsInt, IsOptional, IsString, Length, Matches, Max, MaxLength, Min } from 'class-validator';
import { NOT_BLANK, notBlank } from '../dto-rules';

const SERVICE_CODE = /^[A-Za-z0-9_.-]{1,40}$/;
const SERVICE_CODE_MSG = { message: 'code must be 1 to 40 letters, digits, _, . or -' };

export class CreateCatalogueServiceDto {
  @IsString() @Matches(SERVICE_CODE, SERVICE_CODE_MSG) code: string;
  @IsString() @Length(1, 120) @Matches(NOT_BLANK, notBlank('name')) name: string;
  @IsString() @Length(1, 60) @Matches(NOT_BLANK, notBlank('category')) category: string;
  @IsArray() @ArrayMaxSize(50) @IsString({ each: true }) @Length(1, 200, { each: true }) materials: string[];
  @IsInt() @Min(0) @Max(365) timeLimitDays: number;
  @IsOptional() @IsString() @MaxLength(2000) description?: string;
}

export class UpdateCatalogueServiceDto {
  @IsInt() @Min(1) version: number;
  @IsOptional() @IsString() @Matches(SERVICE_CODE, SERVICE_CODE_MSG) code?: string;
  @IsOptional() @IsString() @Length(1, 120) @Matches(NOT_BLANK, notBlank('name')) name?: string;
  @IsOptional() @IsString() @Length(1, 60) @Matches(NOT_BLANK, notBlank('category')) category?: string;
  @IsOptional() @IsArray() @ArrayMaxSize(50) @IsString({ each: true }) @Length(1, 200, { each: true }) materials?: string[];
  @IsOptional() @IsInt() @Min(0) @Max(365) timeLimitDays?: number;
  @IsOptional() @IsString() @MaxLength(2000) description?: string | null;
  @IsOptional() @IsString() @MaxLength(500) reason?: string;
}

export class SetCommunityCatalogueDto {
  @IsArray() @ArrayMaxSize(1000) @ArrayUnique() @IsInt({ each: true }) @Min(1, { each: true }) serviceIds: number[];
  @IsOptional() @IsString() @MaxLength(500) reason?: string;
}

export class CatalogueQuery {
  @IsOptional() @IsString() @MaxLength(60) q?: string;
  @IsOptional() @IsString() @MaxLength(60) category?: string;
}
