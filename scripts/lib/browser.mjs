// What the browser-test suites (scripts/browser-test*.mjs) share: where the platform is, Debian's
// Chromium driven by playwright-core, the test runner and its "<suite>: N passed, M failed" line,
// logging in, filling inputs, state handed from step to step and the API with a user's token.
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomInt } from 'node:crypto';
import { chromium, request } from 'playwright-core';
import ts from 'typescript';
import { shared } from './platform.mjs';

/** The running platform (`npm start`). */
export const BASE = process.env.BASE_URL ?? 'http://127.0.0.1:8080';
/** Screenshots go here. */
export const OUT = join(process.cwd(), 'test-results');
mkdirSync(OUT, { recursive: true });
/** Every demo account's password. */
export const PASSWORD = 'Qixia@2020';

/**
 * Launches Chromium and returns the suite's runner:
 * - `test(name, fn, contextOptions?)` runs `fn(page, context)` in a fresh context (zh-CN, 1400×900
 *   unless `contextOptions` say otherwise); an uncaught page error fails the test; a failed test
 *   leaves `<failurePrefix><name>-failure.png` in OUT (the name cut to `nameLength` characters);
 * - `fail(name, error)` records a failure that happened outside a test (set-up);
 * - `finish()` closes the browser, prints `<label>: N passed, M failed` and exits (1 on a failure).
 */
export async function browserSuite(label, { failurePrefix = '', nameLength } = {}) {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync', '--disable-quic'],
  });
  const results = [];

  function fail(name, e) {
    results.push([name, false]);
    process.stdout.write(`✕ ${name}\n  ${e instanceof Error ? e.stack : e}\n`);
  }

  async function test(name, fn, contextOptions = {}) {
    const context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1400, height: 900 }, ...contextOptions });
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    const t = Date.now();
    try {
      await fn(page, context);
      if (errors.length) throw new Error(`uncaught page errors: ${errors.join('; ')}`);
      results.push([name, true]);
      process.stdout.write(`✓ ${name} (${Date.now() - t} ms)\n`);
    } catch (e) {
      fail(name, e);
      const file = `${failurePrefix}${name.replace(/\W+/g, '_').slice(0, nameLength)}-failure.png`;
      await page.screenshot({ path: join(OUT, file), fullPage: true }).catch(() => undefined);
    } finally {
      await context.close();
    }
  }

  async function finish() {
    await browser.close();
    const passed = results.filter(([, ok]) => ok).length;
    const failed = results.length - passed;
    process.stdout.write(`\n${label}: ${passed} passed, ${failed} failed\n`);
    process.exit(failed ? 1 : 0);
  }

  return { browser, test, fail, finish };
}

/** What the later steps need from the earlier ones: `need(key)` fails a step whose prerequisite is missing. */
export function stepState(initial = {}) {
  const state = { ...initial };
  const need = (key) => {
    if (state[key] === undefined || state[key] === null) throw new Error(`skipped: an earlier step did not produce ${key}`);
    return state[key];
  };
  return { state, need };
}

/** The input or textarea of an Element Plus field (or the element itself) by its data-testid. */
export const input = (scope, testid) =>
  scope.locator(`[data-testid="${testid}"] input, input[data-testid="${testid}"], textarea[data-testid="${testid}"], [data-testid="${testid}"] textarea`).first();

/**
 * Logs in through the login page (`direct: false` when the page is already there, e.g. after a redirect; `timeout`
 * longer where a busy machine is expected: a login hashes the password).
 */
export async function login(page, username, { direct = true, timeout = 15_000 } = {}) {
  if (direct) await page.goto(`${BASE}/login`);
  await input(page, 'login-username').fill(username);
  await input(page, 'login-password').fill(PASSWORD);
  await page.getByTestId('login-submit').click();
  await page.waitForURL((u) => !u.pathname.startsWith('/login'), { timeout });
}

/** A made-up, valid resident ID number (GB 11643-1999) of Qixia (370686), born `birth` (YYYY-MM-DD), of `sex`. */
export function residentId(birth, sex = 'M') {
  let seq = randomInt(0, 1000);
  if ((seq % 2 === 1) !== (sex === 'M')) seq = (seq + 1) % 1000;
  const first17 = `370686${birth.replace(/-/g, '')}${String(seq).padStart(3, '0')}`;
  return first17 + shared.residentIdCheckChar(first17);
}

/** The notification bell's badge figure (0 when hidden). */
export async function badge(page) {
  const bell = page.getByTestId('notification-bell');
  await bell.waitFor({ timeout: 60_000 });
  const sup = bell.locator('.el-badge__content');
  if (!(await sup.count()) || !(await sup.isVisible())) return 0;
  const text = (await sup.innerText()).trim();
  return text.endsWith('+') ? 100 : Number(text);
}

/** Signs the page's session out behind its back (as another tab or an admin would), leaving it a dead access token. */
export async function endSessionBehindPage(page) {
  await page.evaluate(() => fetch('/api/auth/logout', { method: 'POST', credentials: 'same-origin' }));
  await page.evaluate(() => sessionStorage.setItem('rh.accessToken', 'expired.token.value'));
}

/**
 * The same, with the SPA gone from the tab first (it leaves for a plain file of the same origin, keeping the tab's
 * sessionStorage): a running SPA notices an ended session by itself — its notification stream is closed at the next
 * heartbeat, the reconnect's ticket is refused — and then tells the user and goes to the login page on its own, so a
 * reload that came after that found no session and (rightly) no message: the cause of the "no toast" runs on a busy
 * machine. Returns the page to come back to; going there starts the SPA with the dead token, as a reload does.
 */
export async function endSessionWhileAway(page) {
  const back = page.url();
  await page.goto(`${BASE}/favicon.svg`);
  await endSessionBehindPage(page);
  return back;
}

/**
 * Holds the requests that `match` (a URL predicate) picks until `release` settles, then sends them on: the orderings
 * of the SPA's start-up calls, made deterministic.
 */
export async function holdRequests(page, match, release) {
  await page.route((url) => match(url), async (route) => {
    await release.catch(() => undefined);
    await route.continue().catch(() => undefined);
  });
}

/**
 * Every Element Plus message (toast) the page shows, recorded as it appears (a MutationObserver installed before
 * the SPA runs, in every document of the context), so a toast that is closed again at once still counts.
 */
export async function recordToasts(context) {
  await context.addInitScript(() => {
    window.__toasts = [];
    const seen = new WeakSet();
    const look = (node) => {
      if (!(node instanceof Element)) return;
      const found = node.matches('.el-message') ? [node] : [...node.querySelectorAll('.el-message')];
      for (const el of found) {
        if (seen.has(el)) continue;
        seen.add(el);
        // The text is filled in by Vue right after the element is attached.
        queueMicrotask(() => window.__toasts.push({ text: el.textContent?.trim() ?? '', path: location.pathname }));
      }
    };
    new MutationObserver((records) => records.forEach((r) => r.addedNodes.forEach(look))).observe(document, { childList: true, subtree: true });
  });
}
/** The toasts recorded so far in the page's current document (recordToasts). */
export const toasts = (page) => page.evaluate(() => window.__toasts ?? []);

/** Waits until the toasts have settled (no new one for a while after the first), then returns them. */
export async function settledToasts(page) {
  await page.waitForFunction(() => (window.__toasts ?? []).length > 0, undefined, { timeout: 15_000 });
  let last = -1;
  for (let i = 0; i < 20; i++) {
    const n = (await toasts(page)).length;
    if (n === last) break;
    last = n;
    await page.waitForTimeout(750);
  }
  return toasts(page);
}

export function expectOneToast(list, text) {
  if (list.length !== 1) throw new Error(`expected one toast, saw ${list.length}: ${list.map((x) => `"${x.text}" on ${x.path}`).join(' | ')}`);
  if (!list[0].text.includes(text)) throw new Error(`expected the toast to say ${text}, it said "${list[0].text}"`);
}

/** The page lands on the login page with exactly one message, which says `text`. */
export async function expectOneMessageOnLogin(page, text) {
  await page.waitForURL((u) => u.pathname.startsWith('/login'), { timeout: 15_000 });
  const list = await settledToasts(page).catch(() => toasts(page));
  expectOneToast(list, text);
}

/**
 * The visible inputs, selects and textareas without an accessible name of their own (aria-label, aria-labelledby
 * naming text, a <label>, or a title; a placeholder is not a name): their outer HTML, cut short.
 */
export async function unnamedControls(page) {
  return page.evaluate(() => {
    const shown = (el) => {
      const s = getComputedStyle(el);
      return s.display !== 'none' && s.visibility !== 'hidden' && el.getClientRects().length > 0;
    };
    const text = (el) => (el?.textContent ?? '').trim();
    const out = [];
    for (const el of document.querySelectorAll('input, select, textarea')) {
      if (el.type === 'hidden' || !shown(el)) continue;
      const byAria = (el.getAttribute('aria-label') ?? '').trim();
      const byIds = (el.getAttribute('aria-labelledby') ?? '').split(/\s+/).filter(Boolean).some((id) => text(document.getElementById(id)));
      const byLabel = [...(el.labels ?? [])].some((l) => text(l));
      const byTitle = (el.getAttribute('title') ?? '').trim();
      if (!byAria && !byIds && !byLabel && !byTitle) out.push(el.outerHTML.replace(/\s+/g, ' ').slice(0, 220));
    }
    return out;
  });
}

/** The API with one user's token (for setting up data the UI test then works on). */
export async function api(username) {
  const ctx = await request.newContext({ baseURL: BASE });
  const res = await ctx.post('/api/auth/login', { data: { username, password: PASSWORD } });
  if (!res.ok()) throw new Error(`login ${username}: ${res.status()}`);
  const body = await res.json();
  const headers = { Authorization: `Bearer ${body.accessToken}` };
  const call = async (method, path, data, okStatuses = []) => {
    const r = await ctx.fetch(path, { method, headers, data });
    if (!r.ok() && !okStatuses.includes(r.status())) throw new Error(`${method} ${path} → ${r.status()} ${await r.text()}`);
    return { status: r.status(), body: await r.json().catch(() => null) };
  };
  return {
    user: body.user,
    get: async (path) => (await call('GET', path)).body,
    post: async (path, data = {}) => (await call('POST', path, data)).body,
    postAllowing: (path, data, statuses) => call('POST', path, data, statuses),
    patch: async (path, data = {}) => (await call('PATCH', path, data)).body,
    put: async (path, data = {}) => (await call('PUT', path, data)).body,
    dispose: () => ctx.dispose(),
  };
}

let messageKeyCache;
/** Adds `from`'s keys to `into`, object into object (as vue-i18n merges a feature's messages). */
function merge(into, from) {
  for (const [k, v] of Object.entries(from)) {
    if (v && typeof v === 'object' && into[k] && typeof into[k] === 'object') merge(into[k], v);
    else into[k] = v;
  }
}

const workflowsDir = join(dirname(fileURLToPath(import.meta.url)), '../../shared/src/workflows');
/** A TypeScript module as a data: URL, its imports (relative, or `@redheart/workflows/…` as the SPA's alias) resolved the same way. */
function moduleUrl(file) {
  const js = ts.transpileModule(readFileSync(file, 'utf8'), { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } }).outputText;
  const resolved = js.replace(/from '([^']+)'/g, (_, spec) => {
    const path = spec.startsWith('@redheart/workflows/') ? join(workflowsDir, spec.slice('@redheart/workflows/'.length))
      : spec.startsWith('.') ? join(dirname(file), spec) : null;
    if (!path) throw new Error(`${file}: cannot load ${spec} outside the SPA`);
    return `from '${moduleUrl(path.endsWith('.ts') ? path : `${path}.ts`)}'`;
  });
  return `data:text/javascript;base64,${Buffer.from(resolved).toString('base64')}`;
}

/** A messages module of the SPA (TypeScript; it may import the workflows' labels), compiled on the fly: its default export. */
async function loadMessages(file) {
  return (await import(moduleUrl(file))).default;
}

/**
 * The SPA's zh-CN messages (web/src/i18n/zh-CN.ts and the `zh-CN` part of each web/src/i18n/features/*.ts, the
 * namespaces loaded with their routes): every key path (`household.notice.title`, `announcements.title`, and the
 * namespaces above the leaves) — a lazily loaded namespace's key shown before its messages arrived (a menu entry) is as
 * raw as any — and the top-level namespaces of zh-CN.ts (`app`, `household`, …; not the features' own, such as `city`,
 * which usernames like `city.admin` begin with).
 */
export async function messageKeys() {
  if (messageKeyCache) return messageKeyCache;
  const dir = join(dirname(fileURLToPath(import.meta.url)), '../../web/src/i18n');
  const messages = structuredClone(await loadMessages(join(dir, 'zh-CN.ts')));
  const namespaces = new Set(Object.keys(messages));
  for (const name of readdirSync(join(dir, 'features')).filter((f) => f.endsWith('.ts')).sort()) {
    const feature = (await loadMessages(join(dir, 'features', name)))['zh-CN'] ?? {};
    merge(messages, feature);
  }
  const keys = new Set();
  const walk = (o, prefix) => {
    for (const [k, v] of Object.entries(o)) {
      const path = prefix ? `${prefix}.${k}` : k;
      keys.add(path);
      if (v && typeof v === 'object') walk(v, path);
    }
  };
  walk(messages, '');
  messageKeyCache = { keys, namespaces };
  return messageKeyCache;
}

/** Dotted words as a missing translation prints them (vue-i18n shows the key itself). */
const KEY_LIKE = /\b[a-z]+(\.[a-zA-Z]+){1,}\b/g;

/**
 * Fails when the page (or `scope`) shows what no user should read: `[object Object]`, or a raw i18n key — dotted
 * words that are a key of the messages or start with one of their namespaces (so a key missing from the messages,
 * like `household.sheet.title`, is caught too). Reads the visible text and the placeholder, title and aria-label
 * attributes. `what` names the page in the error.
 */
export async function expectNoRawText(page, what, scope = page.locator('body')) {
  const { keys, namespaces } = await messageKeys();
  const texts = await scope.evaluate((root) => {
    const out = [root.innerText];
    for (const el of root.querySelectorAll('[placeholder], [title], [aria-label]')) {
      for (const a of ['placeholder', 'title', 'aria-label']) if (el.getAttribute(a)) out.push(el.getAttribute(a));
    }
    return out;
  });
  const found = new Set();
  for (const text of texts) {
    if (text.includes('[object Object]')) found.add('[object Object]');
    for (const [m] of text.matchAll(KEY_LIKE)) if (keys.has(m) || namespaces.has(m.split('.')[0])) found.add(m);
  }
  if (found.size) throw new Error(`${what} shows raw text: ${[...found].join(', ')}`);
}

/** An English sentence: three or more English words in a row (ids, codes, units and file names are not). */
export const ENGLISH = /\b[A-Za-z]{2,}(?:[ ,]+[A-Za-z]{2,}){2,}\b/;

/** Fails on an English sentence in `text` (what the page shows of `what`). */
export function expectNoEnglish(text, what) {
  const m = ENGLISH.exec(text);
  if (m) throw new Error(`${what} shows English: "${m[0]}" in "${text.replace(/\s+/g, ' ').slice(0, 300)}"`);
}

/** The text of `locator` (waited for): in Chinese, no English sentence, no raw i18n key. */
export async function expectWordedInChinese(page, locator, what) {
  await locator.waitFor({ timeout: 60_000 });
  const text = await locator.innerText();
  if (!/[\u4e00-\u9fff]/.test(text)) throw new Error(`${what} is not in Chinese: "${text}"`);
  expectNoEnglish(text, what);
  await expectNoRawText(page, what, locator);
  return text;
}

/** The message a form item shows under its field (Element Plus' `:error`), checked to be Chinese, no English, no raw key. */
export async function expectFieldError(page, itemTestid, what) {
  return expectWordedInChinese(page, page.locator(`[data-testid="${itemTestid}"] .el-form-item__error`), what);
}

/**
 * A purchased-flat case of 龙腾 opened by `clerk` (an `api()` client) and submitted, for a resident born on `birth`;
 * `run` makes its address and certificate unique. Answers the case as the API gives it.
 */
export async function openSubmittedCase(clerk, { name, birth, run, building = 4 }) {
  const c = await clerk.post('/api/household/cases', {
    type: 'purchased_flat', applicantName: name, persons: [{ name, idNumber: residentId(birth), relation: 'head' }],
    newHousehold: { kind: 'family', address: `栖霞市庄园街道龙腾小区${run % 30 + 1}号楼${building}单元${run % 9 + 1}03` }, propertyCertificateNo: `鲁(2022)栖霞市不动产权第${run}-${building}号`,
    provided: ['id_card', 'hukou_booklet', 'property_certificate', 'purchase_contract', 'application_form'],
  });
  return clerk.post(`/api/household/cases/${c.id}/transitions`, { action: 'submit', version: c.version });
}
