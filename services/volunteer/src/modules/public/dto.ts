import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';

export class BoardQuery {
  @IsOptional() @IsInt() @Min(1) communityId?: number;
  @IsOptional() @IsInt() @Min(1) @Max(100) limit?: number;
  @IsOptional() @IsString() @MaxLength(200) cursor?: string;
}
