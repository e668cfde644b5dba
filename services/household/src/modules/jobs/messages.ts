import type { FastifyRequest } from 'fastify';
import { AppError } from '@redheart/shared';
import { type IssueParams, ISSUES, isIssueCode } from '../bulk/issue-codes';

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

/** An import's problem in the caller's language: from its code and params (issue-codes.ts), else its message as stored. */
export function localizeIssue(issue: { code?: string; params?: IssueParams; message: string }, lang: Lang): string {
  if (!isIssueCode(issue.code)) return issue.message;
  const words = ISSUES[issue.code];
  return (lang === 'en' ? words.en : words.zh)(issue.params ?? {});
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
