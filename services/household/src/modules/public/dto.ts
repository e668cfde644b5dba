import { IsString, Matches } from 'class-validator';
import { Transform } from 'class-transformer';

export class CaseLookupDto {
  @Transform(({ value }) => (typeof value === 'string' ? value.trim().toUpperCase() : value))
  @IsString() @Matches(/^(HJ|FW)\d{4}-\d{1,10}$/, { message: 'caseNumber 应为受理回执上的编号：户籍案件如 HJ2026-000123，政务服务申请如 FW2026-000123' }) caseNumber: string;
  @IsString() @Matches(/^\d{4}$/, { message: 'phoneLast4 应为申请人手机号的后 4 位数字' }) phoneLast4: string;
}
