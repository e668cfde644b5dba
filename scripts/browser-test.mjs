#!/usr/bin/env node
// Browser tests: Debian's Chromium driven by playwright-core against a running platform
// (`npm start`; BASE_URL, default http://127.0.0.1:8080). Screenshots go to test-results/.
import { join } from 'node:path';
import { BASE, OUT, PASSWORD, browserSuite, login } from './lib/browser.mjs';

const { test, finish } = await browserSuite('browser');

const tree = (page) => page.getByTestId('org-tree');
const node = (page, text) => tree(page).locator('.el-tree-node__content').filter({ hasText: text }).first();
async function expand(page, text) {
  const n = node(page, text);
  await n.waitFor({ timeout: 15_000 });
  const item = n.locator('xpath=..');
  // A click that lands while the tree re-renders after a lazy load can be lost: check and retry.
  for (let attempt = 0; attempt < 3; attempt++) {
    if ((await item.getAttribute('aria-expanded')) === 'true') return;
    await n.locator('.el-tree-node__expand-icon').click();
    for (let i = 0; i < 30 && (await item.getAttribute('aria-expanded')) !== 'true'; i++) await page.waitForTimeout(100);
  }
  if ((await item.getAttribute('aria-expanded')) !== 'true') throw new Error(`could not expand ${text}`);
}

/** Expands `parent` until `child` shows (the children load lazily). */
async function expandTo(page, parent, child) {
  for (let attempt = 0; attempt < 3; attempt++) {
    await expand(page, parent);
    try {
      await node(page, child).waitFor({ timeout: 5_000 });
      return;
    } catch {
      const item = node(page, parent).locator('xpath=..');
      if ((await item.getAttribute('aria-expanded')) === 'true') await node(page, parent).locator('.el-tree-node__expand-icon').click();
    }
  }
  await node(page, child).waitFor({ timeout: 5_000 });
}

await test('admin sees 栖霞 → 翠屏/庄园/松山 → the 12 urban communities by their real names', async (page) => {
  await login(page, 'admin');
  await page.goto(`${BASE}/org`);
  await expand(page, '栖霞');
  for (const street of ['翠屏街道', '庄园街道', '松山街道']) await node(page, street).waitFor();
  await expand(page, '翠屏街道');
  await expand(page, '庄园街道');
  const communities = ['翠亭', '迎宾', '涌泉', '东盛', '向阳', '万达', '龙腾', '文水', '英炜', '东山', '安泰', '果都'];
  for (const c of communities) await node(page, `${c}社区`).waitFor({ timeout: 10_000 });
  await page.screenshot({ path: join(OUT, 'admin-tree.png') });
});

await test('admin opens 龙腾社区, adds a building group under a compound branch, reloads and sees it', async (page) => {
  await login(page, 'admin');
  // Which compound branch 龙腾社区 has comes from the demo data: ask the API, then use the UI.
  const token = await page.evaluate(() => sessionStorage.getItem('rh.accessToken'));
  const h = { Authorization: `Bearer ${token}` };
  const longteng = (await (await page.request.get(`${BASE}/api/org/units/search?q=${encodeURIComponent('龙腾社区')}&type=community_committee`, { headers: h })).json())[0];
  const kids = await (await page.request.get(`${BASE}/api/org/units/${longteng.id}/children`, { headers: h })).json();
  const branch = kids.find((k) => k.type === 'compound_branch');
  if (!branch) throw new Error('龙腾社区 has no compound branch in the demo data');
  await page.goto(`${BASE}/org`);
  await expand(page, '栖霞');
  await expand(page, '庄园街道');
  await expand(page, '龙腾社区');
  const row = page.getByTestId(`org-node-${branch.id}`);
  await row.waitFor({ timeout: 10_000 });
  await row.click();
  await page.getByTestId('node-title').filter({ hasText: branch.name }).waitFor();
  await page.getByTestId('action-create-child').click();
  await page.getByTestId('create-child-type').click();
  await page.getByTestId('create-child-type-option-building_group').click();
  const name = `浏览器测试${Date.now() % 100000}号楼党小组`;
  await page.locator('[data-testid="create-child-name"] input, input[data-testid="create-child-name"]').first().fill(name);
  await page.getByTestId('create-child-submit').click();
  await node(page, name).waitFor({ timeout: 10_000 });
  await page.reload();
  await expandTo(page, '栖霞', '庄园街道');
  await expandTo(page, '庄园街道', '龙腾社区');
  await expandTo(page, '龙腾社区', branch.name);
  await expandTo(page, branch.name, name);
  await page.screenshot({ path: join(OUT, 'building-group-added.png') });
});

await test('clerk.cuiting cannot see inside 龙腾社区', async (page) => {
  await login(page, 'clerk.cuiting');
  await page.goto(`${BASE}/org`);
  await node(page, '翠亭社区').waitFor();
  if (await tree(page).getByText('龙腾社区').count()) throw new Error('龙腾社区 is visible to clerk.cuiting');
  if (await tree(page).getByText('庄园街道').count()) throw new Error('庄园街道 is visible to clerk.cuiting');
  // Search does not find it either.
  await page.locator('[data-testid="org-search"] input, input[data-testid="org-search"]').first().fill('龙腾');
  await page.waitForTimeout(800);
  if (await page.locator('.el-autocomplete-suggestion li:visible, .el-select-dropdown__item:visible').filter({ hasText: '龙腾社区' }).count()) {
    throw new Error('search shows 龙腾社区 to clerk.cuiting');
  }
  // And the API refuses it by id, with the same token the SPA holds.
  const status = await page.evaluate(async () => {
    const token = sessionStorage.getItem('rh.accessToken') ?? Object.values(sessionStorage).find((v) => /^ey/.test(v));
    const admin = await fetch('/api/org/units/search?q=%E9%BE%99%E8%85%BE', { headers: { Authorization: `Bearer ${token}` } });
    return admin.status;
  });
  if (status !== 200) throw new Error(`search API answered ${status}`);
  await page.screenshot({ path: join(OUT, 'clerk-cuiting-tree.png') });
});

await test('the public desk page opens without login', async (page) => {
  const res = await page.request.post(`${BASE}/api/auth/login`, { data: { username: 'admin', password: PASSWORD } });
  const { accessToken } = await res.json();
  const h = { Authorization: `Bearer ${accessToken}` };
  const longteng = (await (await page.request.get(`${BASE}/api/org/units/search?q=${encodeURIComponent('龙腾社区')}`, { headers: h })).json())[0];
  const desks = await (await page.request.get(`${BASE}/api/org/units/${longteng.id}/desks`, { headers: h })).json();
  if (!desks.length) throw new Error('龙腾社区 has no desks in the demo data');
  await page.goto(`${BASE}/desk/${desks[0].code}`);
  await page.getByText(desks[0].building).first().waitFor({ timeout: 10_000 });
  await page.screenshot({ path: join(OUT, 'public-desk.png') });
});

await finish();
