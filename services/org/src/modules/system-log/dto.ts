import { IsIn, IsOptional } from 'class-validator';
import { AuditListQuery } from '@redheart/shared';

export const SYSTEM_LOG_SERVICES = ['org', 'household', 'volunteer', 'notify'] as const;
export type SystemLogService = (typeof SYSTEM_LOG_SERVICES)[number];

export class SystemLogQuery extends AuditListQuery {
  @IsOptional() @IsIn(SYSTEM_LOG_SERVICES, { message: `service 须为 ${SYSTEM_LOG_SERVICES.join(' / ')} 之一` }) service?: SystemLogService;
}
