/**
 * Field rules the record modules' DTOs share. Names must hold a visible character: the tables CHECK
 * btrim(name) <> '', and a blank name is a 400 here rather than a constraint error there.
 */
export const PHONE = /^[0-9+\-() ]*$/;
export const PHONE_MSG = { message: 'phone may hold digits, spaces, +, -, ( and ) only', context: { code: 'phone' } };
export const NOT_BLANK = /\S/;
export const notBlank = (field: string) => ({ message: `${field} must not be blank` });
export const DATE = { strict: true } as const;
