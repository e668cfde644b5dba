import { IsIn, IsInt, IsOptional, IsString, Length, MaxLength, Min } from 'class-validator';

export class PersonQuery {
  @IsOptional() @IsString() @Length(1, 40) idNumber?: string;
  @IsOptional() @IsString() @Length(1, 20) name?: string;
  @IsOptional() @IsInt() @Min(1) limit?: number;
}

export class HouseholdQuery {
  @IsOptional() @IsInt() @Min(1) communityId?: number;
  @IsOptional() @IsIn(['family', 'collective']) kind?: 'family' | 'collective';
  @IsOptional() @IsString() @MaxLength(40) q?: string;
  @IsOptional() @IsInt() @Min(1) limit?: number;
  @IsOptional() @IsInt() @Min(1) after?: number;
}

export class RevealDto {
  @IsString() @Length(4, 300) reason: string;
}

export class PropertyQuery {
  @IsOptional() @IsString() @Length(4, 40) certificateNo?: string;
  @IsOptional() @IsInt() @Min(1) communityId?: number;
  @IsOptional() @IsInt() @Min(1) limit?: number;
}
