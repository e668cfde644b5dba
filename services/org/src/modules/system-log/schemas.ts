import { auditListEntrySchema, auditListQuerySchema } from '@redheart/shared';
import { SYSTEM_LOG_SERVICES } from './dto';

export const systemLogQuerySchema = {
  ...auditListQuerySchema, properties: { ...auditListQuerySchema.properties, service: { type: 'string', enum: [...SYSTEM_LOG_SERVICES] } },
};

export const systemLogEntrySchema = {
  ...auditListEntrySchema,
  required: [...auditListEntrySchema.required, 'service', 'auditId'],
  properties: {
    id: auditListEntrySchema.properties.id,
    service: { type: 'string', enum: [...SYSTEM_LOG_SERVICES] },
    auditId: { type: 'integer', description: 'the entry’s id in its service’s own operation log' },
    occurredAt: auditListEntrySchema.properties.occurredAt,
    actorId: auditListEntrySchema.properties.actorId,
    actorUsername: auditListEntrySchema.properties.actorUsername,
    actorRole: auditListEntrySchema.properties.actorRole,
    action: auditListEntrySchema.properties.action,
    entityType: auditListEntrySchema.properties.entityType,
    entityId: auditListEntrySchema.properties.entityId,
    reason: auditListEntrySchema.properties.reason,
    requestId: auditListEntrySchema.properties.requestId,
  },
};
