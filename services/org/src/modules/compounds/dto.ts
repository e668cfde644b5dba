import { IsBoolean, IsInt, IsOptional, IsString, Length, Matches, Max, MaxLength, Min } from 'class-validator';
import { NOT_BLANK, notBlank } from '../dto-rules';

export class CreateCompoundDto {
  @IsString() @Length(1, 120) @Matches(NOT_BLANK, notBlank('name')) name: string;
  @IsOptional() @IsInt() @Min(0) @Max(100000) households?: number;
  @IsOptional() @IsBoolean() propertyManaged?: boolean;
  @IsOptional() @IsString() @Length(1, 120) propertyCompany?: string;
  @IsOptional() @IsInt() @Min(1) branchId?: number;
  @IsOptional() @IsBoolean() branchPlanned?: boolean;
}

export class UpdateCompoundDto {
  @IsInt() @Min(1) version: number;
  @IsOptional() @IsString() @Length(1, 120) @Matches(NOT_BLANK, notBlank('name')) name?: string;
  @IsOptional() @IsInt() @Min(0) @Max(100000) households?: number;
  @IsOptional() @IsBoolean() propertyManaged?: boolean;
  @IsOptional() @IsString() @Length(1, 120) propertyCompany?: string | null;
  /** null unlinks the branch. */
  @IsOptional() @IsInt() @Min(1) branchId?: number | null;
  @IsOptional() @IsBoolean() branchPlanned?: boolean;
  @IsOptional() @IsString() @MaxLength(500) reason?: string;
}

