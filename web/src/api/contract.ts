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

/** A query DTO's `'true' | 'false'` flags may be given as booleans: the client writes them as those words. */
type Flags<Q> = { [K in keyof Q]: [Exclude<Q[K], undefined>] extends ['true' | 'false'] ? boolean | Q[K] : Q[K] }

/** The query string an operation reads (its query DTO's schema). */
export type QueryOf<P extends keyof paths, M extends Method> =
  Operation<P, M> extends { parameters: { query?: infer Q } } ? Flags<Exclude<Q, undefined>> : never

/**
 * An answer as the service sends it, for response schemas that name their fields without listing them as `required`
 * (most do, so far): the serialiser sends only the fields a schema names and the services always fill them, so every
 * named field is read as present — null where the schema allows null. Schemas with a `required` list are used as they are.
 */
export type Sent<T> = T extends readonly (infer E)[] ? Sent<E>[] : T extends object ? { -readonly [K in keyof T]-?: Sent<Exclude<T[K], undefined>> } : T

/** A shape with every field, at any depth, optional: what a narrowing must fit into. */
type Loose<T> = T extends readonly (infer E)[] ? Loose<E>[] : T extends object ? { [K in keyof T]?: Loose<T[K]> } : T

/**
 * A generated shape with some of its fields narrowed: the shared vocabularies' unions where the schema says `string`
 * (a state, a type, a role), a nested shape narrowed the same way, or a field the service leaves out when it has no
 * value (optional). Each key must be one the schema names and each type must fit the generated one, so a field the
 * services stop sending, or another type, fails the typecheck.
 */
export type Narrowed<T, N extends { [K in keyof N]: K extends keyof T ? Loose<T[K]> : never }> = Omit<T, keyof N> & N
