/**
 * The problems an import finds in a file, each a stable code with its params, and the words for it in the two
 * languages of the screens (the API's `message` and the downloadable error report; the SPA words the code itself,
 * web/src/i18n/features/import.ts). A new problem is a new row here.
 */
export type IssueParams = Record<string, string | number>;
type Words = (p: IssueParams) => string;

export const ISSUES = {
  no_header: { en: () => 'the file has no header row', zh: () => '文件没有表头行' },
  column_missing: { en: (p) => `column missing: name it ${p.name} or ${p.key}`, zh: (p) => `缺少列：请命名为“${p.name}”（或 ${p.key}）` },
  too_many_rows: { en: (p) => `at most ${p.max} rows per file; split the register by community`, zh: (p) => `每个文件最多 ${p.max} 行；请按社区拆分` },
  no_rows: { en: () => 'the file has a header but no rows', zh: () => '文件只有表头，没有数据行' },
  unclosed_quote: { en: () => 'a quoted field is never closed', zh: () => '引号内的字段没有闭合' },
  control_characters: { en: () => 'holds a control character (such as NUL) that is not allowed', zh: () => '含有不允许的控制字符（如 NUL）' },
  required: { en: () => 'required', zh: () => '必填' },
  required_max: { en: (p) => `required, at most ${p.max} characters`, zh: (p) => `必填，最多 ${p.max} 个字` },
  required_between: { en: (p) => `required, ${p.min}–${p.max} characters`, zh: (p) => `必填，${p.min}–${p.max} 个字` },
  length_between: { en: (p) => `must be ${p.min}–${p.max} characters`, zh: (p) => `须为 ${p.min}–${p.max} 个字符` },
  too_long: { en: (p) => `at most ${p.max} characters`, zh: (p) => `最多 ${p.max} 个字` },
  household_no_format: { en: () => 'required: 4–40 letters, digits or -', zh: () => '必填：4–40 位字母、数字或 -' },
  kind_invalid: { en: () => 'must be 家庭户 (family) or 集体户 (collective)', zh: () => '须为 家庭户 或 集体户' },
  relation_invalid: {
    en: () => 'must be one of 户主, 配偶, 子女, 父母, 孙子女, 祖父母, 兄弟姐妹, 其他 (or head, spouse, …)',
    zh: () => '须为 户主、配偶、子女、父母、孙子女、祖父母、兄弟姐妹、其他 之一',
  },
  date_past: { en: () => 'must be a past date YYYY-MM-DD', zh: () => '须为今天或以前的日期（YYYY-MM-DD）' },
  community_required: { en: () => 'required: give the community id or its 12-digit division code', zh: () => '必填：填写社区编号或 12 位区划代码' },
  community_unknown: { en: (p) => `${p.value} is not a community in your area`, zh: (p) => `“${p.value}”不是您辖区内的社区` },
  id_lost_digits: {
    en: () => 'the ID number was stored as a number and lost digits; format the column as text',
    zh: () => '身份证号被存成数字而丢失了位数；请把该列设为文本格式',
  },
  id_format: { en: () => 'must be 18 characters: 17 digits and a digit or X', zh: () => '须为 18 位：17 位数字加 1 位数字或 X' },
  id_division: { en: () => 'division code (first 6 digits) is not valid', zh: () => '前 6 位行政区划代码无效' },
  id_birth_date: { en: (p) => `birth date ${p.birthDate} is not a real past date`, zh: (p) => `出生日期 ${p.birthDate} 不是有效的过去日期` },
  id_check_character: { en: () => 'check character (last) does not match', zh: () => '最后一位校验码不符' },
  person_repeated: { en: (p) => `the same person is on row ${p.row}`, zh: (p) => `同一人已在第 ${p.row} 行` },
  differs_in_household: { en: (p) => `differs from row ${p.row} of household ${p.household}`, zh: (p) => `与户 ${p.household} 的第 ${p.row} 行不一致` },
  heads_count: {
    en: (p) => `household ${p.household} has ${p.count} heads (户主); a family household has exactly one`,
    zh: (p) => `户 ${p.household} 有 ${p.count} 名户主；家庭户须恰有一名户主`,
  },
  collective_taken: {
    en: (p) => `a community has one collective household; household ${p.household} is already it`,
    zh: (p) => `一个社区只有一个集体户；户 ${p.household} 已是集体户`,
  },
  collective_exists: { en: () => 'the community already has its collective household', zh: () => '该社区已有集体户' },
  household_taken: { en: (p) => `household ${p.household} is already in the register`, zh: (p) => `户号 ${p.household} 已在户籍登记中` },
  already_registered: {
    en: (p) => `${p.id} already holds an active registration; move them with a case`,
    zh: (p) => `${p.id} 已有有效户籍登记；请通过迁移案件办理`,
  },
  certificate_repeated: { en: (p) => `appears again (first on row ${p.row})`, zh: (p) => `重复出现（首次在第 ${p.row} 行）` },
  differs_in_flat: { en: (p) => `differs from row ${p.row} of the same certificate (${p.value})`, zh: (p) => `与同一产权证的第 ${p.row} 行不一致（${p.value}）` },
  area_invalid: { en: () => 'must be a number of square metres above 0', zh: () => '须为大于 0 的平方米数' },
  too_many_owners: { en: (p) => `at most ${p.max} owners per flat`, zh: (p) => `每套房最多 ${p.max} 名权利人` },
  owner_twice: { en: () => 'the same owner appears twice for this flat', zh: () => '同一权利人在本套房中出现两次' },
  certificate_other_community: { en: () => 'this certificate is registered to a flat in another community', zh: () => '该产权证已登记在其他社区的房屋下' },
} satisfies Record<string, { en: Words; zh: Words }>;

export type IssueCode = keyof typeof ISSUES;

export const isIssueCode = (code: unknown): code is IssueCode => typeof code === 'string' && Object.hasOwn(ISSUES, code);

/** A resident ID number's problem (shared parseResidentId) as an import issue. */
export function residentIdIssue(problem: 'format' | 'division' | 'birth_date' | 'check_character', raw: string): { code: IssueCode; params?: IssueParams } {
  return problem === 'birth_date' ? { code: 'id_birth_date', params: { birthDate: String(raw).trim().slice(6, 14) } } : { code: `id_${problem}` };
}
