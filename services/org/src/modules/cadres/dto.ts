import { IsDateString, IsIn, IsInt, IsOptional, IsString, Length, Matches, MaxLength, Min } from 'class-validator';
import { DATE, NOT_BLANK, notBlank, PHONE, PHONE_MSG } from '../dto-rules';

export class CreateCadreAssignmentDto {
  @IsString() @Length(1, 60) @Matches(NOT_BLANK, notBlank('cadreName')) cadreName: string;
  @IsOptional() @IsString() @MaxLength(40) @Matches(PHONE, PHONE_MSG) phone?: string;
  @IsInt() @Min(1) communityId: number;
  @IsOptional() @IsInt() @Min(1) gridId?: number;
  @IsOptional() @IsDateString(DATE) @Length(10, 10) startDate?: string;
}

export class EndCadreAssignmentDto {
  @IsOptional() @IsDateString(DATE) @Length(10, 10) endDate?: string;
  @IsOptional() @IsString() @MaxLength(500) reason?: string;
}

export class CadresQuery {
  @IsOptional() @IsIn(['true', 'false']) includeEnded?: string;
}
