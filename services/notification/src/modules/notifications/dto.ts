import { ArrayMaxSize, IsArray, IsBoolean, IsIn, IsInt, IsOptional, IsString, Max, Min } from 'class-validator';
import { NOTIFICATION_KINDS as KINDS, RULE_KINDS } from './rules';

export class ListQuery {
  @IsOptional() @IsInt() @Min(1) before?: number;
  /** Numbered pages (the console's list convention): ?page=&limit= with the total. */
  @IsOptional() @IsInt() @Min(1) page?: number;
  @IsOptional() @IsInt() @Min(1) @Max(100) limit?: number;
  @IsOptional() @IsBoolean() unread?: boolean;
  @IsOptional() @IsIn(KINDS) kind?: string;
}

export class PreferencesBody {
  @IsArray({ message: 'muted 应为通知类型的列表' }) @ArrayMaxSize(RULE_KINDS.length, { message: 'muted 应为通知类型的列表' })
  @IsString({ each: true, message: 'muted 应为通知类型的列表' })
  muted: string[];
}

export class ReadAllBody {
  @IsOptional() @IsInt() @Min(1) upTo?: number;
}
