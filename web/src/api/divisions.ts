import type { DivisionChangeAction, OrgType } from '@redheart/workflows'
import { http } from './client'

/** 区划导入 (docs/api.md): a county or a whole city from the national division codes. */
export interface DivisionImportInput {
  code: string
  dryRun?: boolean
  includeTowns?: boolean
}

export interface DivisionChange {
  action: DivisionChangeAction
  code: string
  type: OrgType
  name: string
  before?: string
  parentCode: string | null
}

export interface DivisionCountyResult {
  countyCode: string
  countyName: string
  created: number
  updated: number
  unchanged: number
  skipped: number
  archived: number
  placed: boolean
}

export interface DivisionImportSummary {
  code: string
  name: string
  kind: 'county' | 'city'
  dryRun: boolean
  includeTowns: boolean
  counties: DivisionCountyResult[]
  totals: { created: number; renamed: number; adopted: number; archived: number; unchanged: number; skipped: number; placed: number }
  samples: { created: DivisionChange[]; renamed: DivisionChange[]; archived: DivisionChange[]; placed: DivisionChange[] }
}

export interface DivisionImportJob {
  id: string
  code: string
  includeTowns: boolean
  status: 'queued' | 'running' | 'done' | 'failed'
  progress: { countiesDone?: number; countiesTotal?: number; county?: string; unitsDone?: number; unitsTotal?: number; percent?: number }
  result: DivisionImportSummary | null
  error: string | null
  requestedBy: string | null
  createdAt: string
  startedAt: string | null
  finishedAt: string | null
}

const base = '/api/org/division-imports'

export function previewDivisionImport(input: Omit<DivisionImportInput, 'dryRun'>): Promise<DivisionImportSummary> {
  return http.post<DivisionImportSummary>(base, { ...input, dryRun: true })
}

export function startDivisionImport(input: Omit<DivisionImportInput, 'dryRun'>): Promise<{ id: string; status: string; code: string }> {
  return http.post<{ id: string; status: string; code: string }>(base, input)
}

export function getDivisionImport(id: string): Promise<DivisionImportJob> {
  return http.get<DivisionImportJob>(`${base}/${encodeURIComponent(id)}`)
}
