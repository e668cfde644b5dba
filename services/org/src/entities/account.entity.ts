import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { Role } from '@redheart/shared';
import { bigintNumber } from './org-unit.entity';

@Entity({ name: 'account' })
export class Account {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id: number;

  @Column({ type: 'text', unique: true })
  username: string;

  @Column({ name: 'display_name', type: 'text' })
  displayName: string;

  @Column({ name: 'password_hash', type: 'text' })
  passwordHash: string;

  @Column({ type: 'text' })
  role: Role;

  @Column({ name: 'org_id', type: 'bigint', transformer: bigintNumber })
  orgId: number;

  /** Raised when all the account's sessions end; access tokens carry it as `sv`. */
  @Column({ name: 'session_epoch', type: 'int', default: 0 })
  sessionEpoch: number;

  @Column({ type: 'boolean', default: false })
  disabled: boolean;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;
}

@Entity({ name: 'refresh_token' })
export class RefreshToken {
  @Column({ type: 'uuid', primary: true })
  id: string;

  @Column({ name: 'family_id', type: 'uuid' })
  familyId: string;

  @Column({ name: 'account_id', type: 'bigint', transformer: bigintNumber })
  accountId: number;

  @Column({ name: 'token_hash', type: 'text' })
  tokenHash: string;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt: Date;

  @Column({ name: 'used_at', type: 'timestamptz', nullable: true })
  usedAt: Date | null;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt: Date | null;
}
