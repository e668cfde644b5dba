import type { EntityManager } from 'typeorm';
import { type AuthUser, conflict, maskResidentId, parseResidentId, type PiiVault, writeAudit } from '@redheart/shared';
import { residentIdIssue } from '../bulk/issue-codes';
import { CommunityResolver, importInvalid, IssueList } from '../bulk/issues';
import type { SeparationRepository, WrittenPropertyRow } from './repository';

/** One flat of the property register (不动产登记) with its owners, as read from JSON or a spreadsheet. */
export interface PropertyInput {
  /** The row the user sees the flat on (its first row in a spreadsheet, the 1-based index in JSON). */
  row: number;
  certificateNo: string;
  community?: string | number | null;
  address: string;
  building?: string | null;
  unit?: string | null;
  room?: string | null;
  area?: number | string | null;
  gridCode?: string | null;
  owners: { row: number; name: string; idNumber: string }[];
}

interface ValidProperty {
  row: number;
  certificateNo: string;
  communityId: number;
  address: string;
  building: string | null;
  unit: string | null;
  room: string | null;
  area: number | null;
  gridCode: string | null;
  owners: { name: string; id: string }[];
}

export interface PropertyImportResult {
  dryRun: boolean;
  rows: number;
  properties: number;
  created: number;
  updated: number;
  owners: number;
}

const text = (v: unknown): string | null => {
  if (v === undefined || v === null) return null;
  const s = String(v).trim();
  return s ? s : null;
};

/**
 * The property register: validates every flat first (ID numbers by GB 11643, the community in the
 * caller's scope, one owner once per flat, a certificate number once), then upserts by certificate
 * number in the caller's transaction: owners not in the new list are removed, ID numbers are kept
 * only encrypted, hashed and masked, like persons.
 */
export class PropertyRegister {
  constructor(
    private readonly vault: PiiVault,
    private readonly repo: SeparationRepository,
  ) {}

  /** `issues`: problems found while reading the file, reported together with these. */
  async validate(m: EntityManager, user: AuthUser, input: PropertyInput[], rows: number, issues = new IssueList()): Promise<ValidProperty[]> {
    const communities = await CommunityResolver.load(m, user);
    const seen = new Map<string, number>();
    const out: ValidProperty[] = [];
    for (const [i, p] of input.entries()) {
      // thousands of flats: let other requests in between
      if (i % 500 === 499) await new Promise<void>((resolve) => setImmediate(resolve));
      const before = issues.length;
      const certificateNo = text(p.certificateNo);
      if (!certificateNo) issues.add(p.row, 'certificateNo', 'required');
      else if (certificateNo.length < 4 || certificateNo.length > 60) issues.add(p.row, 'certificateNo', 'length_between', { min: 4, max: 60 });
      else if (seen.has(certificateNo)) issues.add(p.row, 'certificateNo', 'certificate_repeated', { row: seen.get(certificateNo)! });
      else seen.set(certificateNo, p.row);
      const community = communities.resolve(p.community);
      if (!community.ok) issues.add(p.row, 'community', community.code, community.params);
      const address = text(p.address);
      if (!address || address.length < 2 || address.length > 200) issues.add(p.row, 'address', 'required_between', { min: 2, max: 200 });
      for (const f of ['building', 'unit', 'room', 'gridCode'] as const) {
        const v = text(p[f]);
        if (v && v.length > 20) issues.add(p.row, f, 'too_long', { max: 20 });
      }
      let area: number | null = null;
      const areaText = text(p.area);
      if (areaText) {
        area = Number(areaText);
        if (!Number.isFinite(area) || area <= 0 || area >= 100000) issues.add(p.row, 'area', 'area_invalid');
        else area = Math.round(area * 100) / 100;
      }
      if (p.owners.length > 20) issues.add(p.row, 'owners', 'too_many_owners', { max: 20 });
      const owners: { name: string; id: string }[] = [];
      const ids = new Set<string>();
      for (const o of p.owners) {
        const name = text(o.name);
        if (!name || name.length > 40) issues.add(o.row, 'ownerName', 'required_max', { max: 40 });
        const parsed = parseResidentId(String(o.idNumber ?? ''));
        if (!parsed.ok) {
          {
          const issue = residentIdIssue(parsed.problem, String(o.idNumber ?? ''));
          issues.add(o.row, 'ownerIdNumber', issue.code, issue.params);
        };
          continue;
        }
        if (ids.has(parsed.info.id)) issues.add(o.row, 'ownerIdNumber', 'owner_twice');
        ids.add(parsed.info.id);
        if (name) owners.push({ name, id: parsed.info.id });
      }
      if (issues.length === before && community.ok) {
        out.push({
          row: p.row, certificateNo: certificateNo!, communityId: community.id, address: address!, building: text(p.building), unit: text(p.unit),
          room: text(p.room), area, gridCode: text(p.gridCode), owners,
        });
      }
    }
    // A flat does not change community by import: that would take it out of another area's register.
    if (out.length) {
      const existing = await this.repo.propertyCommunities(m, out.map((p) => p.certificateNo));
      const where = new Map(existing.map((e) => [e.certificateNo, e.communityId]));
      for (const p of out) {
        const c = where.get(p.certificateNo);
        if (c !== undefined && c !== p.communityId) issues.add(p.row, 'certificateNo', 'certificate_other_community');
      }
    }
    if (issues.length) throw importInvalid(issues, rows);
    return out;
  }

  /** Validates all, then writes all in `m` (the caller's transaction), or only validates on dryRun. */
  async import(m: EntityManager, ctx: { user: AuthUser; requestId?: string }, input: PropertyInput[], rows: number, dryRun: boolean, issues?: IssueList): Promise<PropertyImportResult> {
    const valid = await this.validate(m, ctx.user, input, rows, issues);
    const owners = valid.reduce((n, p) => n + p.owners.length, 0);
    if (dryRun) return { dryRun, rows, properties: valid.length, created: 0, updated: 0, owners };
    const written: WrittenPropertyRow[] = [];
    const CHUNK = 2000;
    for (let i = 0; i < valid.length; i += CHUNK) {
      const part = valid.slice(i, i + CHUNK);
      written.push(...(await this.repo.upsertProperties(m, part)));
    }
    // Another import moved a certificate to another community between validation and write.
    if (written.length !== valid.length) throw conflict('A certificate number changed community while importing; run the import again', 'PROPERTY_CHANGED');
    const idOf = new Map(written.map((w) => [w.certificateNo, w.id]));
    const ownerRows = valid.flatMap((p) => p.owners.map((o) => ({ propertyId: idOf.get(p.certificateNo)!, ...o, hash: this.vault.hash(o.id) })));
    // The register is the truth for these flats: owners it no longer lists are removed.
    await this.repo.removeOtherOwners(m, written.map((w) => w.id), ownerRows.map((o) => ({ propertyId: o.propertyId, idHash: o.hash })));
    for (let i = 0; i < ownerRows.length; i += CHUNK) {
      const part = ownerRows.slice(i, i + CHUNK);
      await this.repo.upsertOwners(m, part.map((o) => ({
        propertyId: o.propertyId, name: o.name, idCipher: this.vault.encrypt(o.id), idHash: o.hash, idMasked: maskResidentId(o.id),
      })));
    }
    const created = written.filter((w) => w.inserted).length;
    await writeAudit(m, {
      actor: ctx.user, action: 'property.import', entityType: 'property', entityId: 'bulk',
      after: { rows, properties: valid.length, created, updated: valid.length - created, owners: ownerRows.length },
      requestId: ctx.requestId,
    });
    return { dryRun, rows, properties: valid.length, created, updated: valid.length - created, owners: ownerRows.length };
  }
}
