import { IsInt, IsOptional, IsString, Length, Matches, MaxLength, Min, ValidateIf } from 'class-validator';

const HEX = /^#[0-9a-fA-F]{6}$/;
const COLOR_MESSAGE = 'color must be a hex colour such as #D7000F';

export class GroupDto {
  @IsString() @Length(1, 20) @Matches(/\S/, { message: 'name must not be blank' }) name: string;
  @IsOptional() @IsString() @MaxLength(60) nameEn?: string;
  @IsString() @Matches(HEX, { message: COLOR_MESSAGE }) color: string;
  @IsOptional() @IsInt() @Min(0) sort?: number;
}
export class GroupPatchDto {
  @IsInt() @Min(1) version: number;
  @IsOptional() @IsString() @Length(1, 20) @Matches(/\S/, { message: 'name must not be blank' }) name?: string;
  @IsOptional() @IsString() @MaxLength(60) nameEn?: string;
  @IsOptional() @IsString() @Matches(HEX, { message: COLOR_MESSAGE }) color?: string;
  @IsOptional() @IsInt() @Min(0) sort?: number;
}
export class MemberGroupDto {
  /** The group, or null: the member belongs to none. */
  @ValidateIf((o: MemberGroupDto) => o.groupId !== null) @IsInt() @Min(1) groupId: number | null;
}
