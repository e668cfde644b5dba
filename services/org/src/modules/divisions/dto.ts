import { IsBoolean, IsOptional, IsString, Matches } from 'class-validator';
import { JSONSchema } from '@redheart/shared';

export class DivisionImportDto {
  @JSONSchema({ description: '6-digit division code: a county (370687) or a prefecture-level city (370600, all its counties)' })
  @IsString({ message: 'code 必须是字符串' })
  @Matches(/^[0-9]{6}$/, { message: 'code 必须是 6 位区划代码（县级如 370686，地级市如 370600）' })
  code: string;

  @JSONSchema({ description: 'true: answer what would be created, renamed, archived; write nothing' })
  @IsOptional() @IsBoolean({ message: 'dryRun 必须是布尔值' }) dryRun?: boolean;

  @JSONSchema({ description: 'also towns, townships and villages (镇/乡/村); default false' })
  @IsOptional() @IsBoolean({ message: 'includeTowns 必须是布尔值' }) includeTowns?: boolean;
}
