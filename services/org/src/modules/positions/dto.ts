import { IsBoolean, IsDateString, IsIn, IsInt, IsOptional, IsString, Length, Matches, MaxLength, Min } from 'class-validator';
import { DATE, NOT_BLANK, notBlank, PHONE, PHONE_MSG } from '../dto-rules';
import { POSITION_KINDS, type PositionKind } from '../../domain';

export class CreatePositionDto {
  @IsString() @Length(1, 60) @Matches(NOT_BLANK, notBlank('personName')) personName: string;
  @IsOptional() @IsString() @MaxLength(40) @Matches(PHONE, PHONE_MSG) phone?: string;
  @IsIn(POSITION_KINDS as unknown as string[]) kind: PositionKind;
  @IsOptional() @IsBoolean() fullTime?: boolean;
  @IsOptional() @IsInt() @Min(1) fromUnitId?: number;
  @IsDateString(DATE) @Length(10, 10) termStart: string;
  @IsOptional() @IsDateString(DATE) @Length(10, 10) termEnd?: string;
}

export class UpdatePositionDto {
  @IsInt() @Min(1) version: number;
  @IsOptional() @IsString() @Length(1, 60) @Matches(NOT_BLANK, notBlank('personName')) personName?: string;
  /** null clears the phone. */
  @IsOptional() @IsString() @MaxLength(40) @Matches(PHONE, PHONE_MSG) phone?: string | null;
  @IsOptional() @IsIn(POSITION_KINDS as unknown as string[]) kind?: PositionKind;
  @IsOptional() @IsBoolean() fullTime?: boolean;
  /** null detaches the seat from a unit (only valid for kinds other than part_time_member). */
  @IsOptional() @IsInt() @Min(1) fromUnitId?: number | null;
  @IsOptional() @IsDateString(DATE) @Length(10, 10) termStart?: string;
  /** A planned end of term; null makes the term open-ended again. */
  @IsOptional() @IsDateString(DATE) @Length(10, 10) termEnd?: string | null;
  @IsOptional() @IsString() @MaxLength(500) reason?: string;
}

export class EndPositionDto {
  @IsDateString(DATE) @Length(10, 10) termEnd: string;
  @IsString() @Length(2, 500) reason: string;
}

export class PositionsQuery {
  @IsOptional() @IsIn(['true', 'false']) includeEnded?: string;
}
