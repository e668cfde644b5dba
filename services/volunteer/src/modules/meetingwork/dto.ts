import { IsIn, IsInt, IsNumber, IsOptional, IsString, Length, Max, Min } from 'class-validator';

export class MeetingWorkDto {
  @IsIn(['item', 'project']) kind: 'item' | 'project';
  @IsInt() @Min(1) meetingId: number;
  @IsInt() @Min(1) decisionId: number;
  @IsString() @Length(2, 80) meetingTitle: string;
  @IsInt() @Min(1) communityId: number;
  @IsOptional() @IsInt() @Min(1) categoryId?: number;
  @IsOptional() @IsString() @Length(2, 200) place?: string;
  @IsOptional() @IsString() @Length(4, 2000) description?: string;
  @IsOptional() @IsString() @Length(2, 80) name?: string;
  @IsOptional() @IsNumber({ maxDecimalPlaces: 2 }) @Min(0) @Max(1e9) budgetYuan?: number;
}
