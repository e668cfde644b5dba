import { download, http, type Download, type Query } from './client'

const base = '/api/household'

// The kinds and statuses of the jobs, written once for the household service and the SPA (shared/src/workflows/vocabulary.ts).
import type { ExportKind as ExportJobKind, ExportJobStatus as ExportStatus, ImportKind, ImportStatus } from '@redheart/workflows'
export type { ExportJobKind, ExportStatus, ImportKind, ImportStatus }

export interface JobProgress {
  done: number
  /** 0 while unknown */
  total: number
}

export interface ImportRowError {
  row?: number
  field: string
  fieldLabel: string
  /** What is wrong as a stable code (the SPA words it: import.issue.<code>, else errors.byCode.<code>) with its params. */
  code?: string
  params?: Record<string, string | number>
  /** The server's words in the language asked for (shown only for a code the SPA does not know). */
  message: string
}

export interface ImportJob {
  id: number
  kind: ImportKind
  status: ImportStatus
  fileName: string
  fileSize: number
  progress: JobProgress
  rows: number | null
  rowsWithErrors: number | null
  result: Record<string, number | boolean> | null
  failure: string | null
  createdBy: string
  confirmedBy: string | null
  createdAt: string
  finishedAt: string | null
  version: number
  errors?: ImportRowError[]
  errorsTruncated?: boolean
  preview?: {
    columns: { field: string; header: string; label: string }[]
    rows: { row: number; cells: Record<string, string>; errors: ImportRowError[] }[]
  } | null
}

export interface ExportJob {
  id: number
  kind: ExportJobKind
  status: ExportStatus
  progress: JobProgress
  rows: number | null
  fileName: string | null
  fileSize: number | null
  failure: { code: string; message: string } | null
  downloadUrl: string | null
  expiresAt: string | null
  version: number
}

/** Uploads the file; the dry run starts as a job at once (202). */
export function startImport(kind: ImportKind, file: File): Promise<ImportJob> {
  const form = new FormData()
  form.append('kind', kind)
  form.append('file', file, file.name)
  return http.postForm<ImportJob>(`${base}/imports`, form)
}

export function getImport(id: number): Promise<ImportJob> {
  return http.get<ImportJob>(`${base}/imports/${encodeURIComponent(String(id))}`)
}

export function confirmImport(id: number, version: number): Promise<ImportJob> {
  return http.post<ImportJob>(`${base}/imports/${encodeURIComponent(String(id))}/confirm`, { version })
}

export function importReport(id: number, format: 'xlsx' | 'csv' = 'xlsx'): Promise<Download> {
  return download(`${base}/imports/${encodeURIComponent(String(id))}/report`, { format }, `import-${id}-errors.${format}`)
}

export function importTemplate(kind: ImportKind): Promise<Download> {
  return download(`${base}/imports/template`, { kind }, `${kind}-template.xlsx`)
}

export function startExport(kind: ExportJobKind, filters: Query = {}): Promise<ExportJob> {
  return http.post<ExportJob>(`${base}/exports`, { kind, filters })
}

export function getExport(id: number): Promise<ExportJob> {
  return http.get<ExportJob>(`${base}/exports/${encodeURIComponent(String(id))}`)
}

export function exportFile(job: ExportJob): Promise<Download> {
  return download(job.downloadUrl ?? `${base}/exports/${job.id}/file`, undefined, job.fileName ?? `export-${job.id}.xlsx`)
}
