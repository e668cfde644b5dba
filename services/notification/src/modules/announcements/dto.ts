import { Transform } from 'class-transformer';
import {
  ArrayMaxSize, ArrayUnique, IsArray, IsBoolean, IsIn, IsInt, IsOptional, IsString, Length, Matches, Max, Min,
} from 'class-validator';
import { ROLES } from '@redheart/shared';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);
const ROLES_MSG = `roles 应为不重复的角色（${ROLES.join(' / ')}），最多 ${ROLES.length} 个`;

export class PublishAnnouncementDto {
  @Transform(trim) @IsString({ message: 'title 应为 2 至 80 个字' }) @Length(2, 80, { message: 'title 应为 2 至 80 个字' }) title: string;
  @Transform(trim) @IsString({ message: 'body 应为 2 至 5000 个字' }) @Length(2, 5000, { message: 'body 应为 2 至 5000 个字' }) body: string;
  @IsInt({ message: 'scopeOrgId 应为组织编号' }) @Min(1, { message: 'scopeOrgId 应为组织编号' }) scopeOrgId: number;
  @IsString({ message: 'scopePath 应为组织路径（如 /1/3/7/）' }) @Matches(/^(\/\d{1,12})+\/$/, { message: 'scopePath 应为组织路径（如 /1/3/7/）' }) scopePath: string;
  @Transform(trim) @IsString({ message: 'scopeName 应为 1 至 100 个字' }) @Length(1, 100, { message: 'scopeName 应为 1 至 100 个字' }) scopeName: string;
  @IsOptional() @IsArray({ message: ROLES_MSG }) @ArrayMaxSize(ROLES.length, { message: ROLES_MSG }) @ArrayUnique({ message: ROLES_MSG })
  @IsIn(ROLES as unknown as string[], { each: true, message: ROLES_MSG })
  roles?: (typeof ROLES)[number][];
  @IsOptional() @IsBoolean({ message: 'public 应为 true 或 false' }) public?: boolean;
  @IsOptional() @Transform(trim) @IsString({ message: 'publisherName 最多 100 个字' }) @Length(1, 100, { message: 'publisherName 最多 100 个字' }) publisherName?: string;
}

export class ListQuery {
  @IsOptional() @IsIn(['received', 'managed'], { message: 'view 应为 received 或 managed' }) view?: 'received' | 'managed';
  @IsOptional() @IsInt() @Min(1) page?: number;
  @IsOptional() @IsInt() @Min(1) @Max(100) limit?: number;
}

export class PageQuery {
  @IsOptional() @IsInt() @Min(1) page?: number;
  @IsOptional() @IsInt() @Min(1) @Max(100) limit?: number;
}
