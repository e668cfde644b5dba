/** JSON-schema pieces the volunteer service's modules share (each module's shapes are in its own schemas.ts). */
export const s = { type: 'string' } as const;
export const int = { type: 'integer' } as const;
export const num = { type: 'number' } as const;
export const bool = { type: 'boolean' } as const;
export const ns = { type: ['string', 'null'] } as const;
export const ni = { type: ['integer', 'null'] } as const;
export const nn = { type: ['number', 'null'] } as const;

/** A route's `:id` (parseId reads it; a malformed one is a 404 as for a missing record). */
export const idParams = { type: 'object', required: ['id'], properties: { id: s } } as const;
/** An item's evidence photo: `:id/evidence/:evidenceId`. */
export const evidenceParams = { type: 'object', required: ['id', 'evidenceId'], properties: { id: s, evidenceId: s } } as const;

export const listOf = <T extends object>(item: T) => ({ type: 'array', items: item }) as const;

/** A list route that answers the whole list as an array, or in page mode (`page`) a numbered page of it. */
export const listOrPage = <T extends object>(item: T, pageProperties: object) =>
  ({ anyOf: [{ type: 'array', items: item }, { type: 'object', properties: { items: { type: 'array', items: item }, ...pageProperties } }] }) as const;

/** A member group (服务队) as every answer shows it (rosters, the board, member lists). */
export const groupSchema = { type: 'object', properties: { id: int, name: s, nameEn: ns, color: { type: 'string', description: '#RRGGBB' } } } as const;
/** A member's group, or null when they belong to none. */
export const groupOrNullSchema = { ...groupSchema, type: ['object', 'null'] } as const;

/** An image answered as its bytes (Fastify sends a Buffer as it is; the schema documents it). */
export const photoResponse = { 200: { type: 'string', format: 'binary', description: 'the photo (image/jpeg, image/png or image/webp)' } } as const;
