import { IsInt, IsOptional, IsString, Length, Matches, Max, MaxLength, Min } from 'class-validator';
import { Transform } from 'class-transformer';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

/** A need a resident reports from a desk's QR page (no login). */
export class PublicNeedDto {
  @IsString() @Matches(/^[A-Za-z0-9_-]{6,40}$/, { message: 'deskCode 应为便民服务站二维码上的编码' }) deskCode: string;
  @IsInt({ message: 'categoryId 应为服务类别的编号' }) @Min(1, { message: 'categoryId 应为服务类别的编号' }) categoryId: number;
  @Transform(trim) @IsString() @Length(4, 1000, { message: 'description 应为 4 至 1000 个字' }) description: string;
  @IsOptional() @Transform(trim) @IsString() @Length(1, 40, { message: 'contactName 最多 40 个字' }) contactName?: string;
  @Transform(trim) @IsString() @Matches(/^1[3-9]\d{9}$|^0\d{2,3}-?\d{7,8}$/, { message: 'phone 应为 11 位手机号或带区号的固定电话', context: { code: 'isMobilePhone' } }) phone: string;
}

/** A resident's stars through a rating link (no login). */
export class PublicRatingDto {
  @IsString() @Matches(/^[A-Za-z0-9_-]{20,64}$/, { message: 'token 应为评价链接中的令牌' }) token: string;
  @IsInt({ message: 'stars 应为 1 至 5 的整数' }) @Min(1, { message: 'stars 应为 1 至 5 的整数' }) @Max(5, { message: 'stars 应为 1 至 5 的整数' }) stars: number;
  @IsOptional() @Transform(trim) @IsString() @MaxLength(500, { message: 'comment 最多 500 个字' }) comment?: string;
}
