import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { OrgType } from '../domain';

/** bigint ids travel as JS numbers: PostgreSQL identity values stay far below 2^53. */
export const bigintNumber = { to: (v: number | null) => v, from: (v: string | null) => (v === null ? null : Number(v)) };

@Entity({ name: 'org_unit' })
export class OrgUnit {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id: number;

  @Column({ type: 'text' })
  type: OrgType;

  @Column({ type: 'text' })
  name: string;

  @Column({ name: 'division_code', type: 'text', nullable: true })
  divisionCode: string | null;

  @Column({ name: 'parent_id', type: 'bigint', nullable: true, transformer: bigintNumber })
  parentId: number | null;

  /** Materialised path of ids, `/1/4/17/`: a subtree is one index range. */
  @Column({ type: 'text' })
  path: string;

  @Column({ type: 'int' })
  depth: number;

  @Column({ type: 'jsonb', default: () => `'{}'::jsonb` })
  contacts: Record<string, string>;

  @Column({ type: 'jsonb', default: () => `'{}'::jsonb` })
  attributes: Record<string, unknown>;

  /** A county department (县直部门) a street may whistle to (街呼县应); only a work unit can be one. */
  @Column({ type: 'boolean', default: false })
  department: boolean;

  @Column({ name: 'valid_from', type: 'date' })
  validFrom: string;

  @Column({ name: 'valid_to', type: 'date', nullable: true })
  validTo: string | null;

  @Column({ type: 'int', default: 1 })
  version: number;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt: Date;
}
