import { Column, Entity, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import type { PositionKind } from '../domain';
import { bigintNumber } from './org-unit.entity';

@Entity({ name: 'org_unit_version' })
export class OrgUnitVersion {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id: number;

  @Column({ name: 'org_id', type: 'bigint', transformer: bigintNumber })
  orgId: number;

  @Column({ name: 'parent_id', type: 'bigint', nullable: true, transformer: bigintNumber })
  parentId: number | null;

  @Column({ type: 'text' })
  name: string;

  @Column({ type: 'text' })
  type: string;

  @Column({ name: 'effective_from', type: 'date' })
  effectiveFrom: string;

  @Column({ name: 'effective_to', type: 'date', nullable: true })
  effectiveTo: string | null;
}

@Entity({ name: 'unit_community_report' })
export class UnitCommunityReport {
  @PrimaryColumn({ name: 'unit_id', type: 'bigint', transformer: bigintNumber })
  unitId: number;

  @PrimaryColumn({ name: 'community_id', type: 'bigint', transformer: bigintNumber })
  communityId: number;

  @Column({ name: 'reported_on', type: 'date' })
  reportedOn: string;

  @Column({ name: 'ended_on', type: 'date', nullable: true })
  endedOn: string | null;
}

@Entity({ name: 'position' })
export class Position {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id: number;

  @Column({ name: 'org_id', type: 'bigint', transformer: bigintNumber })
  orgId: number;

  @Column({ name: 'person_name', type: 'text' })
  personName: string;

  @Column({ type: 'text', nullable: true })
  phone: string | null;

  @Column({ type: 'text' })
  kind: PositionKind;

  @Column({ name: 'full_time', type: 'boolean', default: false })
  fullTime: boolean;

  @Column({ name: 'from_unit_id', type: 'bigint', nullable: true, transformer: bigintNumber })
  fromUnitId: number | null;

  @Column({ name: 'term_start', type: 'date' })
  termStart: string;

  @Column({ name: 'term_end', type: 'date', nullable: true })
  termEnd: string | null;

  @Column({ type: 'int', default: 1 })
  version: number;
}

@Entity({ name: 'grid' })
export class Grid {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id: number;

  @Column({ name: 'community_id', type: 'bigint', transformer: bigintNumber })
  communityId: number;

  @Column({ type: 'text' })
  code: string;

  @Column({ type: 'text' })
  name: string;

  @Column({ type: 'int' })
  households: number;

  @Column({ name: 'worker_name', type: 'text', nullable: true })
  workerName: string | null;

  @Column({ name: 'worker_phone', type: 'text', nullable: true })
  workerPhone: string | null;

  @Column({ name: 'valid_from', type: 'date' })
  validFrom: string;

  @Column({ name: 'valid_to', type: 'date', nullable: true })
  validTo: string | null;

  @Column({ type: 'int', default: 1 })
  version: number;
}

@Entity({ name: 'cadre_assignment' })
export class CadreAssignment {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id: number;

  @Column({ name: 'cadre_name', type: 'text' })
  cadreName: string;

  @Column({ type: 'text', nullable: true })
  phone: string | null;

  @Column({ name: 'street_id', type: 'bigint', transformer: bigintNumber })
  streetId: number;

  @Column({ name: 'community_id', type: 'bigint', transformer: bigintNumber })
  communityId: number;

  @Column({ name: 'grid_id', type: 'bigint', nullable: true, transformer: bigintNumber })
  gridId: number | null;

  @Column({ name: 'start_date', type: 'date' })
  startDate: string;

  @Column({ name: 'end_date', type: 'date', nullable: true })
  endDate: string | null;
}

@Entity({ name: 'catalogue_service' })
export class CatalogueService {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id: number;

  @Column({ type: 'text', unique: true })
  code: string;

  @Column({ type: 'text' })
  name: string;

  @Column({ type: 'text' })
  category: string;

  @Column({ type: 'jsonb', default: () => `'[]'::jsonb` })
  materials: string[];

  @Column({ name: 'time_limit_days', type: 'int' })
  timeLimitDays: number;

  @Column({ type: 'text', nullable: true })
  description: string | null;

  @Column({ type: 'int', default: 1 })
  version: number;
}

@Entity({ name: 'community_service' })
export class CommunityService {
  @PrimaryColumn({ name: 'community_id', type: 'bigint', transformer: bigintNumber })
  communityId: number;

  @PrimaryColumn({ name: 'service_id', type: 'bigint', transformer: bigintNumber })
  serviceId: number;
}

export interface DeskWorker {
  name: string;
  role: string;
  phone: string;
}
export interface Hotline {
  name: string;
  phone: string;
}

@Entity({ name: 'desk' })
export class Desk {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id: number;

  /** Public, unguessable slug printed as a QR code on the desk. */
  @Column({ type: 'text', unique: true })
  code: string;

  @Column({ name: 'community_id', type: 'bigint', transformer: bigintNumber })
  communityId: number;

  @Column({ name: 'building_group_id', type: 'bigint', nullable: true, transformer: bigintNumber })
  buildingGroupId: number | null;

  @Column({ type: 'text' })
  building: string;

  @Column({ type: 'jsonb', default: () => `'[]'::jsonb` })
  workers: DeskWorker[];

  @Column({ type: 'jsonb', default: () => `'[]'::jsonb` })
  hotlines: Hotline[];

  @Column({ type: 'int', default: 1 })
  version: number;
}

@Entity({ name: 'compound' })
export class Compound {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id: number;

  @Column({ name: 'community_id', type: 'bigint', transformer: bigintNumber })
  communityId: number;

  @Column({ type: 'text' })
  name: string;

  @Column({ type: 'int', default: 0 })
  households: number;

  @Column({ name: 'property_managed', type: 'boolean', default: false })
  propertyManaged: boolean;

  @Column({ name: 'property_company', type: 'text', nullable: true })
  propertyCompany: string | null;

  @Column({ name: 'branch_id', type: 'bigint', nullable: true, transformer: bigintNumber })
  branchId: number | null;

  @Column({ name: 'branch_planned', type: 'boolean', default: false })
  branchPlanned: boolean;

  @Column({ type: 'int', default: 1 })
  version: number;
}
