import { http } from './client'
import type {
  CountyCoverageAnswer,
  ArchiveUnitInput,
  CatalogueService,
  Compound,
  Coverage,
  CreatePositionInput,
  CreateUnitInput,
  Desk,
  EndPositionInput,
  Grid,
  IsoDate,
  MoveUnitInput,
  OrgStats,
  OrgType,
  OrgUnit,
  OrgUnitWithAncestors,
  Position,
  PublicDesk,
  UpdateUnitInput,
} from './types'

const base = '/api/org'
/** An organisation's id: a number in the answers, a string in a route's params. */
type Id = number | string
const unitPath = (id: Id) => `${base}/units/${encodeURIComponent(String(id))}`

export function getRoots(): Promise<OrgUnit[]> {
  return http.get<OrgUnit[]>(`${base}/units/roots`)
}

export function getUnit(id: Id): Promise<OrgUnitWithAncestors> {
  return http.get<OrgUnitWithAncestors>(unitPath(id))
}

export function getChildren(id: Id, opts: { asOf?: IsoDate | null; includeArchived?: boolean } = {}): Promise<OrgUnit[]> {
  return http.get<OrgUnit[]>(`${unitPath(id)}/children`, {
    asOf: opts.asOf ?? undefined,
    includeArchived: opts.includeArchived ? true : undefined,
  })
}

export function searchUnits(q: string, opts: { type?: OrgType; limit?: number } = {}): Promise<OrgUnitWithAncestors[]> {
  return http.get<OrgUnitWithAncestors[]>(`${base}/units/search`, { q, type: opts.type, limit: opts.limit ?? 20 })
}

export function createUnit(input: CreateUnitInput): Promise<OrgUnit> {
  return http.post<OrgUnit>(`${base}/units`, input)
}

export function updateUnit(id: Id, input: UpdateUnitInput): Promise<OrgUnit> {
  return http.patch<OrgUnit>(unitPath(id), input)
}

export function archiveUnit(id: Id, input: ArchiveUnitInput): Promise<OrgUnit> {
  return http.post<OrgUnit>(`${unitPath(id)}/archive`, input)
}

export function moveUnit(id: Id, input: MoveUnitInput): Promise<OrgUnit> {
  return http.post<OrgUnit>(`${unitPath(id)}/move`, input)
}

export function getAllowedChildTypes(id: Id): Promise<OrgType[]> {
  return http.get<OrgType[]>(`${unitPath(id)}/allowed-child-types`)
}

export function getPositions(id: Id): Promise<Position[]> {
  return http.get<Position[]>(`${unitPath(id)}/positions`)
}

export function createPosition(unitId: Id, input: CreatePositionInput): Promise<Position> {
  return http.post<Position>(`${unitPath(unitId)}/positions`, input)
}

export function endPosition(positionId: Id, input: EndPositionInput): Promise<Position> {
  return http.post<Position>(`${base}/positions/${encodeURIComponent(String(positionId))}/end`, input)
}

export function getGrids(communityId: Id): Promise<Grid[]> {
  return http.get<Grid[]>(`${unitPath(communityId)}/grids`)
}

export function getDesks(unitId: Id): Promise<Desk[]> {
  return http.get<Desk[]>(`${unitPath(unitId)}/desks`)
}

/** No login: what the QR code on a convenience desk opens. */
export function getPublicDesk(code: string): Promise<PublicDesk> {
  return http.get<PublicDesk>(`${base}/public/desks/${encodeURIComponent(code)}`, undefined, { auth: false })
}

export function getUnitCatalogue(communityId: Id): Promise<CatalogueService[]> {
  return http.get<CatalogueService[]>(`${unitPath(communityId)}/catalogue`)
}

export function getCatalogue(opts: { q?: string; category?: string } = {}): Promise<CatalogueService[]> {
  return http.get<CatalogueService[]>(`${base}/catalogue`, opts)
}

export function getCompounds(communityId: Id): Promise<Compound[]> {
  return http.get<Compound[]>(`${unitPath(communityId)}/compounds`)
}

export function getCoverage(streetId?: Id): Promise<Coverage> {
  return http.get<Coverage>(`${base}/coverage`, { streetId })
}

export function getStats(): Promise<OrgStats> {
  return http.get<OrgStats>(`${base}/stats`)
}

/** County by county: streets, communities and compound-branch coverage (city_admin: every county; admin: its own). */
export function getCountyCoverage(): Promise<CountyCoverageAnswer> {
  return http.get<CountyCoverageAnswer>(`${base}/coverage/counties`)
}
