// Names for the generated types of the API contract (web/src/api/openapi.ts, from the merged OpenAPI document):
// the request body and the answer of an operation, looked up by path and method.
import type { paths } from './openapi'

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete'
type Operation<P extends keyof paths, M extends Method> = NonNullable<paths[P][M]>

/** The JSON body an operation reads (its DTO's schema). */
export type RequestBody<P extends keyof paths, M extends Method> =
  Operation<P, M> extends { requestBody?: { content: { 'application/json': infer B } } } ? B : never

/** The JSON answer of an operation with the given status. */
export type ResponseBody<P extends keyof paths, M extends Method, S extends number = 200> =
  Operation<P, M> extends { responses: { [K in S]: { content: { 'application/json': infer R } } } } ? R : never
