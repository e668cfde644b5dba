import type { FastifyRequest } from 'fastify';
import { AppError } from '@redheart/shared';

/** The languages of the import and export screens' answers (the SPA's own two). */
export type Lang = 'zh-CN' | 'en';

/** The caller's language from Accept-Language: English when English is preferred over Chinese, zh-CN otherwise. */
export function langOf(req: FastifyRequest): Lang {
  const header = String(req.headers['accept-language'] ?? '');
  const tags = header
    .split(',')
    .map((part, i) => {
      const [tag, ...params] = part.trim().toLowerCase().split(';');
      const q = params.map((p) => /^\s*q=([0-9.]+)/.exec(p)?.[1]).find(Boolean);
      return { tag, q: q === undefined ? 1 : Number(q), i };
    })
    .filter((t) => t.tag && t.q > 0)
    .sort((a, b) => b.q - a.q || a.i - b.i);
  for (const t of tags) {
    if (t.tag.startsWith('zh')) return 'zh-CN';
    if (t.tag.startsWith('en')) return 'en';
  }
  return 'zh-CN';
}

/** The import columns' names as the screen and the error report show them. */
const FIELDS: Record<string, { 'zh-CN': string; en: string }> = {
  householdNo: { 'zh-CN': '户号', en: 'Household no.' },
  community: { 'zh-CN': '社区', en: 'Community' },
  communityId: { 'zh-CN': '社区', en: 'Community' },
  kind: { 'zh-CN': '户别', en: 'Household kind' },
  building: { 'zh-CN': '楼号', en: 'Building' },
  unit: { 'zh-CN': '单元', en: 'Unit' },
  room: { 'zh-CN': '房号', en: 'Room' },
  address: { 'zh-CN': '地址', en: 'Address' },
  gridCode: { 'zh-CN': '网格', en: 'Grid' },
  name: { 'zh-CN': '姓名', en: 'Name' },
  idNumber: { 'zh-CN': '身份证号', en: 'ID number' },
  relation: { 'zh-CN': '与户主关系', en: 'Relation to head' },
  since: { 'zh-CN': '登记日期', en: 'Registered since' },
  certificateNo: { 'zh-CN': '不动产权证号', en: 'Certificate no.' },
  area: { 'zh-CN': '面积', en: 'Area' },
  ownerName: { 'zh-CN': '权利人', en: 'Owner' },
  ownerIdNumber: { 'zh-CN': '权利人身份证号', en: 'Owner ID number' },
  owners: { 'zh-CN': '权利人', en: 'Owners' },
  '*': { 'zh-CN': '整个文件', en: 'Whole file' },
};

export function fieldLabel(field: string, lang: Lang): string {
  return FIELDS[field]?.[lang] ?? field;
}

/**
 * The importers' row messages are written in English (they are also the API's); the screen shows
 * them in the user's language. Each pattern is one message of register-import.ts, properties.ts,
 * issues.ts, sheet.ts or resident-id.ts; an unknown one is shown as it is.
 */
const ZH: [RegExp, (m: RegExpExecArray) => string][] = [
  [/^required: 4–40 letters, digits or -$/, () => '必填：4–40 位字母、数字或 -'],
  [/^must be 家庭户 \(family\) or 集体户 \(collective\)$/, () => '须为 家庭户 或 集体户'],
  [/^required, 2–200 characters$/, () => '必填，2–200 个字'],
  [/^at most 20 characters$/, () => '最多 20 个字'],
  [/^required, at most 40 characters$/, () => '必填，最多 40 个字'],
  [/^required$/, () => '必填'],
  [/^must be 4–60 characters$/, () => '须为 4–60 个字符'],
  [/^appears again \(first on row (\d+)\)$/, (m) => `重复出现（首次在第 ${m[1]} 行）`],
  [/^must be a number of square metres above 0$/, () => '须为大于 0 的平方米数'],
  [/^at most 20 owners per flat$/, () => '每套房最多 20 名权利人'],
  [/^the same owner appears twice for this flat$/, () => '同一权利人在本套房中出现两次'],
  [/^this certificate is registered to a flat in another community$/, () => '该产权证已登记在其他社区的房屋下'],
  [/^the ID number was stored as a number and lost digits; format the column as text$/, () => '身份证号被存成数字而丢失了位数；请把该列设为文本格式'],
  [/^the same person is on row (\d+)$/, (m) => `同一人已在第 ${m[1]} 行`],
  [/^must be one of 户主, 配偶.*$/, () => '须为 户主、配偶、子女、父母、孙子女、祖父母、兄弟姐妹、其他 之一'],
  [/^must be a past date YYYY-MM-DD$/, () => '须为今天或以前的日期（YYYY-MM-DD）'],
  [/^differs from row (\d+) of household (.+)$/, (m) => `与户 ${m[2]} 的第 ${m[1]} 行不一致`],
  [/^differs from row (\d+) of the same certificate \((.*)\)$/, (m) => `与同一产权证的第 ${m[1]} 行不一致（${m[2]}）`],
  [/^household (.+) has (\d+) heads \(户主\); a family household has exactly one$/, (m) => `户 ${m[1]} 有 ${m[2]} 名户主；家庭户须恰有一名户主`],
  [/^a community has one collective household; household (.+) is already it$/, (m) => `一个社区只有一个集体户；户 ${m[1]} 已是集体户`],
  [/^household (.+) is already in the register$/, (m) => `户号 ${m[1]} 已在户籍登记中`],
  [/^(.+) already holds an active registration; move them with a case$/, (m) => `${m[1]} 已有有效户籍登记；请通过迁移案件办理`],
  [/^the community already has its collective household$/, () => '该社区已有集体户'],
  [/^required: give the community id or its 12-digit division code$/, () => '必填：填写社区编号或 12 位区划代码'],
  [/^(.+) is not a community in your area$/, (m) => `“${m[1]}”不是您辖区内的社区`],
  [/^must be 18 characters: 17 digits and a digit or X$/, () => '须为 18 位：17 位数字加 1 位数字或 X'],
  [/^division code \(first 6 digits\) is not valid$/, () => '前 6 位行政区划代码无效'],
  [/^birth date (\d+) is not a real past date$/, (m) => `出生日期 ${m[1]} 不是有效的过去日期`],
  [/^check character \(last\) does not match$/, () => '最后一位校验码不符'],
  [/^the file has no header row$/, () => '文件没有表头行'],
  [/^column missing: name it (\S+) or (\S+)$/, (m) => `缺少列：请命名为“${m[1]}”（或 ${m[2]}）`],
  [/^at most (\d+) rows per file; split the register by community$/, (m) => `每个文件最多 ${m[1]} 行；请按社区拆分`],
  [/^the file has a header but no rows$/, () => '文件只有表头，没有数据行'],
  [/^a quoted field is never closed$/, () => '引号内的字段没有闭合'],
];

export function localizeIssue(message: string, lang: Lang): string {
  if (lang === 'en') return message;
  for (const [re, zh] of ZH) {
    const m = re.exec(message);
    if (m) return zh(m);
  }
  return message;
}

/** The jobs' own messages (not the rows'). */
const TEXT = {
  noFile: { 'zh-CN': '请上传文件（multipart 字段 file：CSV 或 .xlsx）', en: 'Upload a file (multipart field "file": CSV or .xlsx)' },
  notMultipart: { 'zh-CN': '请以 multipart/form-data 上传文件', en: 'Send the file as multipart/form-data' },
  badKind: { 'zh-CN': 'kind 须为 households（户籍登记）或 properties（不动产登记）', en: 'kind must be households or properties' },
  badExportKind: { 'zh-CN': 'kind 须为 cases、households 或 tasks', en: 'kind must be cases, households or tasks' },
  tooLarge: { 'zh-CN': '文件过大：最多 10 MB', en: 'The file is too large: at most 10 MB' },
  badFileType: { 'zh-CN': '文件须为 CSV 或 .xlsx（Excel 2007 及以后）', en: 'The file must be CSV or .xlsx (Excel 2007+)' },
  importNotFound: { 'zh-CN': '导入任务不存在', en: 'Import job not found' },
  exportNotFound: { 'zh-CN': '导出任务不存在', en: 'Export job not found' },
  staleVersion: { 'zh-CN': '导入任务已变化（版本不符），请刷新后再确认', en: 'The import changed since you loaded it (version mismatch); reload and confirm again' },
  notValidated: { 'zh-CN': '只有预检通过的导入才能确认', en: 'Only an import whose dry run passed can be confirmed' },
  notReady: { 'zh-CN': '导出文件尚未生成完成', en: 'The export file is not ready yet' },
  expired: { 'zh-CN': '导出文件已过期，请重新导出', en: 'The export file has expired; export again' },
  exportFailed: { 'zh-CN': '导出失败', en: 'The export failed' },
  noReport: { 'zh-CN': '预检尚未完成，还没有错误报告', en: 'The dry run has not finished; there is no error report yet' },
  forbidden: { 'zh-CN': '您的角色无权导入登记数据', en: 'Your role may not import register data' },
  stale: { 'zh-CN': '任务长时间没有进展，已判定失败；请重新上传', en: 'The job made no progress for too long and was marked failed; upload again' },
} as const;
export type TextKey = keyof typeof TEXT;

export function text(key: TextKey, lang: Lang): string {
  return TEXT[key][lang];
}

export function jobError(status: number, code: string, key: TextKey, lang: Lang, field?: string): AppError {
  return new AppError(status, code, text(key, lang), field ? { field } : undefined);
}
