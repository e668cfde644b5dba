/**
 * The org service's service catalogue (政务服务事项目录清单) as events: `org.catalogue.created | updated`,
 * emitted in the change's transaction; the household service keeps its copy (catalogue_ref) from them.
 */
export const ORG_CATALOGUE_EVENT_TYPES = ['org.catalogue.created', 'org.catalogue.updated'] as const;
export type OrgCatalogueEventType = (typeof ORG_CATALOGUE_EVENT_TYPES)[number];

/** A service of the catalogue as the org service lists it to the others (`/api/org/internal/catalogue`) and they copy it. */
export interface CatalogueEntry {
  id: number;
  code: string;
  name: string;
  category: string;
  materials: string[];
  timeLimitDays: number;
  /** The org service's version of the entry (absent in copies made before versions were carried). */
  version?: number;
}

/** What an `org.catalogue.*` event carries: the entry as `/api/org/internal/catalogue` lists it, or `resync` when too big to carry. */
export interface CatalogueChange {
  id: number;
  /** catalogue_service.version after the change: a copy keeps the highest it has seen (events may arrive late). */
  version: number;
  code?: string;
  name?: string;
  category?: string;
  materials?: string[];
  timeLimitDays?: number;
  /** The entry did not fit an event: the consumer reads the whole list from the org service instead. */
  resync?: true;
}
