import { IsBoolean, IsOptional, IsString, Matches } from 'class-validator';

export class DivisionImportDto {
  @IsString({ message: 'code 必须是字符串' })
  @Matches(/^[0-9]{6}$/, { message: 'code 必须是 6 位区划代码（县级如 370686，地级市如 370600）' })
  code: string;

  @IsOptional() @IsBoolean({ message: 'dryRun 必须是布尔值' }) dryRun?: boolean;

  @IsOptional() @IsBoolean({ message: 'includeTowns 必须是布尔值' }) includeTowns?: boolean;
}
