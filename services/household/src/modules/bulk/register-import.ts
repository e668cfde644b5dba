import type { EntityManager } from 'typeorm';
import { type AuthUser, businessToday, maskResidentId, parseResidentId, type PiiVault, writeAudit } from '@redheart/shared';
import { residentIdIssue } from './issue-codes';
import { type Relation, RELATIONS } from '../../domain';
import { CommunityResolver, importInvalid, IssueList, MAX_IMPORT_ROWS } from './issues';
import { columnsOf, type Table } from './sheet';
import type { PropertyInput } from '../separation/properties';

const COMMUNITY = ['社区', '社区代码', '社区编码', '社区区划代码', '区划代码', 'community', 'communityId', 'divisionCode'];
const ADDRESS = {
  building: ['楼号', '楼栋', '楼栋号', 'building'],
  unit: ['单元', '单元号', 'unit'],
  room: ['房号', '房间号', '室', 'room'],
  address: ['地址', '住址', '详细地址', '房屋地址', 'address'],
  gridCode: ['网格', '网格编号', '网格代码', 'grid', 'gridCode'],
};

export const REGISTER_COLUMNS = {
  householdNo: ['户号', '户编号', 'householdNo'],
  community: COMMUNITY,
  kind: ['户别', '户类型', '户口类型', 'kind'],
  ...ADDRESS,
  name: ['姓名', 'name'],
  idNumber: ['身份证号', '身份证号码', '公民身份号码', 'idNumber'],
  relation: ['与户主关系', '关系', 'relation'],
  since: ['登记日期', '入户日期', '迁入日期', 'since'],
};
const REGISTER_REQUIRED = ['householdNo', 'address', 'name', 'idNumber', 'relation'] as const;

export const PROPERTY_COLUMNS = {
  certificateNo: ['不动产权证号', '不动产权证书号', '产权证号', '房产证号', 'certificateNo'],
  community: COMMUNITY,
  ...ADDRESS,
  area: ['面积', '建筑面积', 'area'],
  ownerName: ['权利人', '权利人姓名', '产权人', '产权人姓名', '业主姓名', 'ownerName'],
  ownerIdNumber: ['权利人身份证号', '权利人证件号', '产权人身份证号', '业主身份证号', 'ownerIdNumber'],
};
const PROPERTY_REQUIRED = ['certificateNo', 'address'] as const;

/** The relation column as registers write it (户主, 配偶, 长子 …) or the API's English names. */
const RELATION_WORDS: Record<string, Relation> = {
  户主: 'head', 本人: 'head', 配偶: 'spouse', 妻: 'spouse', 妻子: 'spouse', 夫: 'spouse', 丈夫: 'spouse',
  子: 'child', 女: 'child', 子女: 'child', 儿子: 'child', 女儿: 'child', 长子: 'child', 长女: 'child', 次子: 'child', 次女: 'child', 养子: 'child', 养女: 'child',
  父: 'parent', 母: 'parent', 父亲: 'parent', 母亲: 'parent', 父母: 'parent', 岳父: 'parent', 岳母: 'parent', 公公: 'parent', 婆婆: 'parent',
  孙子: 'grandchild', 孙女: 'grandchild', 孙子女: 'grandchild', 外孙子: 'grandchild', 外孙女: 'grandchild',
  祖父: 'grandparent', 祖母: 'grandparent', 祖父母: 'grandparent', 外祖父: 'grandparent', 外祖母: 'grandparent',
  兄: 'sibling', 弟: 'sibling', 姐: 'sibling', 妹: 'sibling', 兄弟姐妹: 'sibling', 哥哥: 'sibling', 弟弟: 'sibling', 姐姐: 'sibling', 妹妹: 'sibling',
  其他: 'other', 集体户成员: 'other',
};
export function parseRelation(raw: string): Relation | undefined {
  const t = raw.trim();
  if ((RELATIONS as readonly string[]).includes(t.toLowerCase())) return t.toLowerCase() as Relation;
  return RELATION_WORDS[t];
}

const KIND_WORDS: Record<string, 'family' | 'collective'> = { '': 'family', family: 'family', 家庭户: 'family', 家庭: 'family', collective: 'collective', 集体户: 'collective', 集体: 'collective' };

function requireColumns(table: Table, cols: Record<string, number | undefined>, required: readonly string[], aliases: Record<string, string[]>): void {
  const issues = new IssueList();
  if (!table.header.length) issues.add(1, '*', 'no_header');
  for (const f of required) if (cols[f] === undefined) issues.add(1, f, 'column_missing', { name: aliases[f].filter((a) => /[^\x00-\x7f]/.test(a))[0], key: f });
  const count = table.rowCount ?? table.rows.length;
  if (count > MAX_IMPORT_ROWS) issues.add(1, '*', 'too_many_rows', { max: MAX_IMPORT_ROWS });
  if (!count && table.header.length) issues.add(2, '*', 'no_rows');
  if (issues.length) throw importInvalid(issues, count);
}

/**
 * Turns a property-register sheet (one row per owner; rows with the same certificate number are
 * one flat) into the register's input. A flat's own cells must agree on all of its rows.
 */
export function propertiesFromTable(table: Table): { input: PropertyInput[]; issues: IssueList } {
  const cols = columnsOf(table.header, PROPERTY_COLUMNS);
  requireColumns(table, cols, PROPERTY_REQUIRED, PROPERTY_COLUMNS);
  const issues = new IssueList();
  const cell = (r: { cells: string[] }, f: keyof typeof PROPERTY_COLUMNS) => (cols[f] === undefined ? '' : (r.cells[cols[f]!] ?? '').trim());
  const flats = new Map<string, PropertyInput>();
  const out: PropertyInput[] = [];
  for (const r of table.rows) {
    const cert = cell(r, 'certificateNo');
    const own = { community: cell(r, 'community'), address: cell(r, 'address'), building: cell(r, 'building'), unit: cell(r, 'unit'), room: cell(r, 'room'), area: cell(r, 'area'), gridCode: cell(r, 'gridCode') };
    let flat = cert ? flats.get(cert) : undefined;
    if (!flat) {
      flat = { row: r.row, certificateNo: cert, ...own, owners: [] };
      out.push(flat);
      if (cert) flats.set(cert, flat);
    } else {
      for (const [k, v] of Object.entries(own) as [keyof typeof own, string][]) {
        if (v && v !== String(flat[k] ?? '')) issues.add(r.row, k, 'differs_in_flat', { row: flat.row, value: String(flat[k] ?? '') });
      }
    }
    const ownerName = cell(r, 'ownerName');
    const ownerId = cell(r, 'ownerIdNumber');
    if (cols.ownerIdNumber !== undefined && r.lossy.has(cols.ownerIdNumber)) {
      issues.add(r.row, 'ownerIdNumber', 'id_lost_digits');
    } else if (ownerName || ownerId) {
      flat.owners.push({ row: r.row, name: ownerName, idNumber: ownerId });
    }
  }
  return { input: out, issues };
}

interface RegisterRow {
  row: number;
  householdNo: string;
  communityId: number;
  kind: 'family' | 'collective';
  building: string | null;
  unit: string | null;
  room: string | null;
  address: string;
  gridCode: string | null;
  name: string;
  id: string;
  sex: 'M' | 'F';
  birthDate: string;
  relation: Relation;
  since: string;
}

const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Rows done of all (an import job's progress bar). */
export type ImportProgress = (done: number, total: number) => Promise<void> | void;

export interface RegisterImportResult {
  dryRun: boolean;
  rows: number;
  households: number;
  persons: number;
}

/**
 * Loads an existing household register (one row per person; rows with the same household number
 * are one household). Every row is checked first — ID numbers, relations, one head per family,
 * household cells that agree, nobody twice, nobody already registered (one active registration per
 * person), no household number taken — and only a clean file is written, in one transaction.
 */
export class RegisterImport {
  constructor(private readonly vault: PiiVault) {}

  /** `progress` is told how many rows are checked (and all of them once written), for an import that runs as a job. */
  async import(m: EntityManager, ctx: { user: AuthUser; requestId?: string }, table: Table, dryRun: boolean, progress?: ImportProgress): Promise<RegisterImportResult> {
    const cols = columnsOf(table.header, REGISTER_COLUMNS);
    requireColumns(table, cols, REGISTER_REQUIRED, REGISTER_COLUMNS);
    const cell = (r: { cells: string[] }, f: keyof typeof REGISTER_COLUMNS) => (cols[f] === undefined ? '' : (r.cells[cols[f]!] ?? '').trim());
    const issues = new IssueList();
    const communities = await CommunityResolver.load(m, ctx.user);
    const today = businessToday();
    const valid: RegisterRow[] = [];
    const firstRowOfId = new Map<string, number>();
    // A household with a bad row is not checked as a whole (its head may be the bad row).
    const incomplete = new Set<string>();
    // Checked against the register for every row whose cell is well-formed, so one report has it all.
    const idRows: { row: number; id: string }[] = [];
    const numberRows = new Map<string, number>();
    for (const [i, r] of table.rows.entries()) {
      // 20,000 rows of checks: let other requests in between (the parsing itself ran in a worker)
      if (i % 500 === 499) {
        await yieldToLoop();
        await progress?.(i + 1, table.rows.length);
      }
      const before = issues.length;
      const householdNo = cell(r, 'householdNo');
      if (!/^[0-9A-Za-z-]{4,40}$/.test(householdNo)) issues.add(r.row, 'householdNo', 'household_no_format');
      else if (!numberRows.has(householdNo)) numberRows.set(householdNo, r.row);
      const community = communities.resolve(cell(r, 'community'));
      if (!community.ok) issues.add(r.row, 'community', community.code, community.params);
      const kind = KIND_WORDS[cell(r, 'kind').toLowerCase()];
      if (!kind) issues.add(r.row, 'kind', 'kind_invalid');
      const address = cell(r, 'address');
      if (address.length < 2 || address.length > 200) issues.add(r.row, 'address', 'required_between', { min: 2, max: 200 });
      for (const f of ['building', 'unit', 'room', 'gridCode'] as const) if (cell(r, f).length > 20) issues.add(r.row, f, 'too_long', { max: 20 });
      const name = cell(r, 'name');
      if (!name || name.length > 40) issues.add(r.row, 'name', 'required_max', { max: 40 });
      let id: ReturnType<typeof parseResidentId> | undefined;
      if (cols.idNumber !== undefined && r.lossy.has(cols.idNumber)) {
        issues.add(r.row, 'idNumber', 'id_lost_digits');
      } else {
        id = parseResidentId(cell(r, 'idNumber'));
        if (!id.ok) {
          const issue = residentIdIssue(id.problem, cell(r, 'idNumber'));
          issues.add(r.row, 'idNumber', issue.code, issue.params);
        }
        else if (firstRowOfId.has(id.info.id)) issues.add(r.row, 'idNumber', 'person_repeated', { row: firstRowOfId.get(id.info.id)! });
        else {
          firstRowOfId.set(id.info.id, r.row);
          idRows.push({ row: r.row, id: id.info.id });
        }
      }
      const relation = parseRelation(cell(r, 'relation'));
      if (!relation) issues.add(r.row, 'relation', 'relation_invalid');
      const since = cell(r, 'since') || today;
      if (!/^\d{4}-\d{2}-\d{2}$/.test(since) || Number.isNaN(Date.parse(since)) || since > today) issues.add(r.row, 'since', 'date_past');
      if (issues.length !== before) incomplete.add(householdNo);
      if (issues.length === before && community.ok && id?.ok) {
        valid.push({
          row: r.row, householdNo, communityId: community.id, kind: kind!, building: cell(r, 'building') || null, unit: cell(r, 'unit') || null,
          room: cell(r, 'room') || null, address, gridCode: cell(r, 'gridCode') || null, name, id: id.info.id, sex: id.info.sex, birthDate: id.info.birthDate,
          relation: relation!, since,
        });
      }
    }

    // A household's own cells must be the same on each of its rows; a family has exactly one head.
    const households = new Map<string, RegisterRow[]>();
    for (const v of valid) households.set(v.householdNo, [...(households.get(v.householdNo) ?? []), v]);
    const collectiveOf = new Map<number, string>();
    for (const [no, members] of households) {
      const first = members[0];
      for (const v of members.slice(1)) {
        for (const f of ['communityId', 'kind', 'building', 'unit', 'room', 'address', 'gridCode'] as const) {
          if (v[f] !== first[f]) issues.add(v.row, f === 'communityId' ? 'community' : f, 'differs_in_household', { row: first.row, household: no });
        }
      }
      if (incomplete.has(no)) continue;
      if (first.kind === 'family') {
        const heads = members.filter((v) => v.relation === 'head');
        if (heads.length !== 1) issues.add(first.row, 'relation', 'heads_count', { household: no, count: heads.length });
      } else if (collectiveOf.has(first.communityId)) {
        issues.add(first.row, 'kind', 'collective_taken', { household: collectiveOf.get(first.communityId)! });
      } else {
        collectiveOf.set(first.communityId, no);
      }
    }

    // Against the register as it stands.
    if (numberRows.size) {
      const taken: { householdNo: string }[] = await m.query(`SELECT household_no AS "householdNo" FROM household WHERE household_no = ANY($1::text[])`, [[...numberRows.keys()]]);
      for (const t of taken) issues.add(numberRows.get(t.householdNo)!, 'householdNo', 'household_taken', { household: t.householdNo });
    }
    if (idRows.length) {
      const hashes: string[] = [];
      for (const [i, v] of idRows.entries()) {
        if (i % 500 === 499) await yieldToLoop();
        hashes.push(this.vault.hash(v.id));
      }
      const registered: { idHash: string }[] = await m.query(
        `SELECT p.id_hash AS "idHash" FROM person p JOIN registration r ON r.person_id = p.id AND r.status = 'active' WHERE p.id_hash = ANY($1::text[])`,
        [hashes],
      );
      const isRegistered = new Set(registered.map((x) => x.idHash));
      idRows.forEach((v, i) => {
        if (isRegistered.has(hashes[i])) issues.add(v.row, 'idNumber', 'already_registered', { id: maskResidentId(v.id) });
      });
    }
    if (collectiveOf.size) {
      const collectives: { communityId: number }[] = await m.query(
        `SELECT community_id AS "communityId" FROM household WHERE kind = 'collective' AND community_id = ANY($1::bigint[])`,
        [[...collectiveOf.keys()]],
      );
      for (const c of collectives) issues.add(households.get(collectiveOf.get(c.communityId)!)![0].row, 'kind', 'collective_exists');
    }
    if (issues.length) throw importInvalid(issues, table.rows.length);
    const result = { dryRun, rows: table.rows.length, households: households.size, persons: valid.length };
    if (dryRun) return result;

    const hh = [...households.values()].map((members) => members[0]);
    const ids: { id: number; householdNo: string }[] = await m.query(
      `INSERT INTO household (household_no, community_id, grid_code, kind, building, unit, room, address)
       SELECT * FROM unnest($1::text[], $2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[])
       RETURNING id, household_no AS "householdNo"`,
      [hh.map((h) => h.householdNo), hh.map((h) => h.communityId), hh.map((h) => h.gridCode), hh.map((h) => h.kind), hh.map((h) => h.building),
        hh.map((h) => h.unit), hh.map((h) => h.room), hh.map((h) => h.address)],
    );
    const householdId = new Map(ids.map((r) => [r.householdNo, r.id]));
    const CHUNK = 5000;
    for (let i = 0; i < valid.length; i += CHUNK) {
      const part = valid.slice(i, i + CHUNK);
      const persons: { id: number; idHash: string }[] = await m.query(
        `INSERT INTO person (name, id_cipher, id_hash, id_masked, sex, birth_date)
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::char(1)[], $6::date[])
         ON CONFLICT (id_hash) DO UPDATE SET name = EXCLUDED.name
         RETURNING id, id_hash AS "idHash"`,
        [part.map((v) => v.name), part.map((v) => this.vault.encrypt(v.id)), part.map((v) => this.vault.hash(v.id)), part.map((v) => maskResidentId(v.id)),
          part.map((v) => v.sex), part.map((v) => v.birthDate)],
      );
      const personId = new Map(persons.map((p) => [p.idHash, p.id]));
      // The partial unique index refuses a person registered concurrently since validation: the whole import rolls back.
      await m.query(
        `INSERT INTO registration (person_id, household_id, relation, status, start_date)
         SELECT p, h, rel, 'active', d FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::date[]) AS x(p, h, rel, d)`,
        [part.map((v) => personId.get(this.vault.hash(v.id))), part.map((v) => householdId.get(v.householdNo)), part.map((v) => v.relation), part.map((v) => v.since)],
      );
    }
    await progress?.(table.rows.length, table.rows.length);
    await writeAudit(m, { actor: ctx.user, action: 'register.import', entityType: 'household', entityId: 'bulk', after: result, requestId: ctx.requestId });
    return result;
  }
}
