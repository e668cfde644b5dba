import { ArrayMaxSize, IsArray, IsInt, IsOptional, IsString, Length, Matches, MaxLength, Min, ValidateNested } from 'class-validator';
import { Type } from 'class-transformer';
import { NOT_BLANK, notBlank, PHONE, PHONE_MSG } from '../dto-rules';

export class DeskWorkerDto {
  @IsString() @Length(1, 60) @Matches(NOT_BLANK, notBlank('name')) name: string;
  @IsString() @Length(1, 60) role: string;
  @IsString() @Length(1, 40) @Matches(PHONE, PHONE_MSG) phone: string;
}

export class HotlineDto {
  @IsString() @Length(1, 60) @Matches(NOT_BLANK, notBlank('name')) name: string;
  @IsString() @Length(1, 40) @Matches(PHONE, PHONE_MSG) phone: string;
}

export class CreateDeskDto {
  @IsString() @Length(1, 120) @Matches(NOT_BLANK, notBlank('building')) building: string;
  @IsOptional() @IsInt() @Min(1) buildingGroupId?: number;
  @IsArray() @ArrayMaxSize(30) @ValidateNested({ each: true }) @Type(() => DeskWorkerDto) workers: DeskWorkerDto[];
  @IsArray() @ArrayMaxSize(30) @ValidateNested({ each: true }) @Type(() => HotlineDto) hotlines: HotlineDto[];
}

export class UpdateDeskDto {
  @IsInt() @Min(1) version: number;
  @IsOptional() @IsString() @Length(1, 120) @Matches(NOT_BLANK, notBlank('building')) building?: string;
  /** null detaches the desk from its building group. */
  @IsOptional() @IsInt() @Min(1) buildingGroupId?: number | null;
  @IsOptional() @IsArray() @ArrayMaxSize(30) @ValidateNested({ each: true }) @Type(() => DeskWorkerDto) workers?: DeskWorkerDto[];
  @IsOptional() @IsArray() @ArrayMaxSize(30) @ValidateNested({ each: true }) @Type(() => HotlineDto) hotlines?: HotlineDto[];
  @IsOptional() @IsString() @MaxLength(500) reason?: string;
}
