import { AuditEntry } from '@redheart/shared';
import { Account, RefreshToken } from './account.entity';
import { OrgUnit } from './org-unit.entity';
import {
  CadreAssignment, CatalogueService, CommunityService, Compound, Desk, Grid, OrgUnitVersion, Position, UnitCommunityReport,
} from './org-details.entity';

export * from './account.entity';
export * from './org-unit.entity';
export * from './org-details.entity';

export const ORG_ENTITIES = [
  OrgUnit, OrgUnitVersion, Account, RefreshToken, UnitCommunityReport, Position, Grid, CadreAssignment,
  CatalogueService, CommunityService, Desk, Compound, AuditEntry,
];
