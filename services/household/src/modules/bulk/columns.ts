import { type Relation, RELATIONS } from '../../domain';
import type { PropertyInput } from '../separation/properties';
import { importInvalid, IssueList, MAX_IMPORT_ROWS } from './issues';
import { columnsOf, type Table } from './sheet';

/** What an import reads from a sheet: the columns (their header aliases), the words of a cell, the property sheet as the register's input. No SQL. */

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
export const REGISTER_REQUIRED = ['householdNo', 'address', 'name', 'idNumber', 'relation'] as const;

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

export const KIND_WORDS: Record<string, 'family' | 'collective'> = { '': 'family', family: 'family', 家庭户: 'family', 家庭: 'family', collective: 'collective', 集体户: 'collective', 集体: 'collective' };

export function requireColumns(table: Table, cols: Record<string, number | undefined>, required: readonly string[], aliases: Record<string, string[]>): void {
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
