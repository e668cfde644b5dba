import { IsString, Matches } from 'class-validator';
import { Transform } from 'class-transformer';

/** A number or phone digits of the wrong shape: 400 naming the field, with a code (`caseNumber`, `phoneLast4`) the SPA words. */
export class CaseLookupDto {
  @Transform(({ value }) => (typeof value === 'string' ? value.trim().toUpperCase() : value))
  @IsString() @Matches(/^(HJ|FW)\d{4}-\d{1,10}$/, { message: 'caseNumber 应为受理回执上的编号：户籍案件如 HJ2026-000123，政务服务申请如 FW2026-000123', context: { code: 'caseNumber' } }) caseNumber: string;
  @IsString() @Matches(/^\d{4}$/, { message: 'phoneLast4 应为申请人手机号的后 4 位数字', context: { code: 'phoneLast4' } }) phoneLast4: string;
}
