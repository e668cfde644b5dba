import { bodyLimitFor, DEFAULT_BODY_LIMIT, findControlCharacter, IMPORT_BODY_LIMIT, isLongRunning, jsonDepthExceeds, PHOTO_BODY_LIMIT, PROPERTIES_BODY_LIMIT } from '../src';

describe('jsonDepthExceeds', () => {
  it('counts nesting of objects and arrays, not brackets inside strings or escaped quotes', () => {
    expect(jsonDepthExceeds('[[[]]]', 3)).toBe(false);
    expect(jsonDepthExceeds('[[[[]]]]', 3)).toBe(true);
    expect(jsonDepthExceeds('{"a":{"b":[1]}}', 2)).toBe(true);
    expect(jsonDepthExceeds(`{"a":"${'['.repeat(500)}"}`, 2)).toBe(false);
    expect(jsonDepthExceeds(`{"a":"\\"[[[[["}`, 1)).toBe(false);
    expect(jsonDepthExceeds('[]'.repeat(1000), 1)).toBe(false);
  });

  it('stops at the limit on a 20,000-deep text', () => {
    expect(jsonDepthExceeds('['.repeat(20_000) + ']'.repeat(20_000))).toBe(true);
  });
});

describe('findControlCharacter', () => {
  it('names the first string, nested value or key holding a control character', () => {
    expect(findControlCharacter({ a: 'ok', b: [{ c: 'x\u0000' }] }, 'body')).toBe('body.b[0].c');
    expect(findControlCharacter({ 'odd key': 'y\u001f' }, 'body')).toBe('body["odd key"]');
    expect(findControlCharacter({ ['k\u0001']: 1 }, 'body')).toBe('body["k\\u0001"]');
    expect(findControlCharacter('\u007f', 'query.q')).toBe('query.q');
  });

  it('lets tab, line feed, carriage return, other text, numbers and buffers through', () => {
    expect(findControlCharacter({ a: 'a\tb\r\nc', n: 1, z: null, t: true, u: '中文 émoji 😀' }, 'body')).toBeUndefined();
    expect(findControlCharacter(Buffer.from([0, 1, 2]), 'body')).toBeUndefined();
  });
});

describe('route limits', () => {
  it('gives imports 10 MB, the property register 5 MB, photos a little over 5 MB and every other route 1 MB', () => {
    expect(bodyLimitFor('POST', '/api/household/import/register?dryRun=true')).toBe(IMPORT_BODY_LIMIT);
    expect(bodyLimitFor('post', '/api/household/import/properties')).toBe(IMPORT_BODY_LIMIT);
    expect(bodyLimitFor('POST', '/api/household/separation/properties')).toBe(PROPERTIES_BODY_LIMIT);
    expect(bodyLimitFor('POST', '/api/volunteer/items/:id/evidence')).toBe(PHOTO_BODY_LIMIT);
    expect(bodyLimitFor('POST', '/api/volunteer/items/12/evidence')).toBe(PHOTO_BODY_LIMIT);
    expect(bodyLimitFor('POST', '/api/household/cases')).toBe(DEFAULT_BODY_LIMIT);
    expect(bodyLimitFor('GET', '/api/household/import/register')).toBe(DEFAULT_BODY_LIMIT);
  });

  it('marks imports and exports as long-running, nothing else', () => {
    expect(isLongRunning('GET', '/api/household/export/tasks.xlsx?gridCode=G01')).toBe(true);
    expect(isLongRunning('POST', '/api/household/import/register')).toBe(true);
    expect(isLongRunning('GET', '/api/household/cases')).toBe(false);
    expect(isLongRunning('GET', '/api/household/export/../cases')).toBe(false);
  });
});
