// The caseworker's journey in the office, as people do it in Chromium: register a request that
// came by letter, take it, collect from the (simulated) source systems, decide, have a second
// person approve it, and download the answer; plus the privacy officer's reports page (the
// administrator's pages have admin.spec.mjs). Every office page is checked with axe, at 320 px,
// and photographed.
import assert from 'node:assert/strict';

import { browserTest } from '../lib/browser.mjs';
import { checkPage, tabTo } from '../lib/check.mjs';
import { personas } from '../lib/api.mjs';
import { loginStaff, logout } from '../lib/login.mjs';
import { url } from '../lib/env.mjs';

// Office pages are wide work pages with tables; they stay within the weight limit too.
const office = { maxKB: 100 };

async function mainText(page) {
  return page.locator('main').innerText();
}

/// Reloads the case page until `predicate(text)` holds (the collection worker runs meanwhile).
async function waitForCase(page, predicate, what) {
  for (let i = 0; i < 60; i++) {
    if (predicate(await mainText(page))) return;
    await page.waitForTimeout(500);
    await page.reload();
  }
  assert.fail(`the case page never showed ${what}`);
}

browserTest('a request by letter goes from registration to an approved answer', async ({ page }) => {
  const people = await personas();
  const citizen = people.citizens[0];

  // The caseworker's queue.
  await loginStaff(page, 'saksbehandler.ude');
  await page.goto(url('/office?lang=en'));
  assert.equal(await page.locator('h1').innerText(), 'Cases');
  await checkPage(page, 'office-queue', office);

  // Register a letter: first with a mistake, shown beside the field; the typed text is kept.
  await page.getByRole('link', { name: 'Register a request' }).click();
  await page.waitForURL((u) => u.pathname === '/office/registrer');
  await page.getByLabel('Access').check();
  await page.getByLabel('National identity number or D number').fill('12345678901');
  await page.getByLabel('What the request is about').fill('Letter dated 2 November: everything about my Norwegian course.');
  await page.getByRole('button', { name: 'Register' }).click();
  await page.waitForLoadState('load');
  assert.ok(await page.locator('.error-summary').isVisible(), 'the error summary');
  assert.equal(await page.getByLabel('What the request is about').inputValue(), 'Letter dated 2 November: everything about my Norwegian course.');
  await checkPage(page, 'office-register-error', office);
  await page.getByLabel('National identity number or D number').fill(citizen.pid);
  await page.getByLabel('Service area').selectOption('norwegian-training');
  // Submit with the keyboard.
  await page.getByRole('button', { name: 'Register' }).focus();
  await Promise.all([
    page.waitForURL((u) => u.pathname.startsWith('/office/sak/')),
    page.keyboard.press('Enter'),
  ]);
  const casePath = new URL(page.url()).pathname;
  assert.ok((await mainText(page)).includes('The request is registered.'));

  // Take it, start, collect.
  await page.getByRole('button', { name: 'Take the case' }).click();
  await page.waitForLoadState('load');
  await page.getByRole('button', { name: 'Start handling' }).click();
  await page.waitForLoadState('load');
  assert.ok((await mainText(page)).includes('In progress'));
  const collectButton = page.getByRole('button', { name: 'Start collection' });
  if (await collectButton.count()) {
    await collectButton.click();
    await page.waitForLoadState('load');
  }
  await waitForCase(page, (t) => /Done/.test(t) && !/Waiting|Collecting/.test(t.split('Collection from source systems')[1] ?? ''), 'every source done');
  await checkPage(page, 'office-case', office);

  // The number is masked until revealed.
  assert.ok(!(await mainText(page)).includes(citizen.pid));
  await page.getByRole('button', { name: 'Show the full number' }).click();
  await page.waitForLoadState('load');
  assert.ok((await mainText(page)).includes(citizen.pid));

  // Registered from a letter: no decision before the identity is verified. The page says so;
  // the caseworker records the passport the person showed at the counter.
  assert.ok((await mainText(page)).includes('The identity is not verified.'));
  await page.getByText('Record how the identity was verified').click();
  await page.getByLabel('ID document shown in person').check();
  await page.getByLabel('Document', { exact: true }).selectOption('passport');
  await page.getByLabel('Document number').fill('AB1234567');
  await page.getByRole('button', { name: 'Record', exact: true }).click();
  await page.waitForLoadState('load');
  assert.ok((await mainText(page)).includes('How the identity was verified is recorded.'));
  assert.ok(!(await mainText(page)).includes('AB1234567'), 'the document number is masked');

  // Decide: granted, saved, to approval (Utdanningsetaten has four eyes).
  await page.goto(url(`${casePath}?lang=en`));
  await page.getByLabel('Granted', { exact: true }).check();
  await page.getByRole('button', { name: 'Send for approval' }).click();
  await page.waitForLoadState('load');
  assert.ok((await mainText(page)).includes('Awaiting approval'));
  await logout(page);

  // The privacy officer approves from the approval queue.
  await loginStaff(page, 'personvern.ude');
  await page.goto(url('/office?status=awaiting_approval&lang=en'));
  await checkPage(page, 'office-approval-queue', office);
  await page.locator(`a[href="${casePath}"]`).click();
  await page.waitForURL((u) => u.pathname === casePath);
  await checkPage(page, 'office-case-approval', office);
  await page.getByRole('button', { name: 'Approve and send the answer' }).click();
  await page.waitForLoadState('load');
  const text = await mainText(page);
  assert.ok(text.includes('The decision is approved, and the answer is sent.'), text);
  assert.ok(text.includes('Answered'));
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.locator('a[href*="/dokument/"]').first().click(),
  ]);
  assert.match(download.suggestedFilename(), /^PV-\d{4}-\d{6}-/);

  // The reports page.
  await page.getByRole('link', { name: 'Reports' }).click();
  await page.waitForURL((u) => u.pathname === '/office/rapporter');
  assert.ok((await mainText(page)).includes('Answered within the deadline'));
  await checkPage(page, 'office-reports', office);
  await logout(page);

  // Oslo kommune's privacy officer sees its districts and agencies rolled up, one row each.
  await loginStaff(page, 'personvern.oslo', { returnTo: '/office/rapporter?lang=en' });
  await page.waitForURL((u) => u.pathname === '/office/rapporter');
  const perController = page.getByRole('region', { name: 'Per controller' });
  assert.ok((await perController.innerText()).includes('Bydel Gamle Oslo'));
  assert.ok((await perController.innerText()).includes('Utdanningsetaten'));
  await checkPage(page, 'office-reports-public-body', office);
});

browserTest('a busy queue filters, searches and assigns with the keyboard', async ({ page }) => {
  await loginStaff(page, 'saksbehandler.gamleoslo', { returnTo: '/office?lang=en' });
  await page.waitForURL((u) => u.pathname === '/office');
  const rows = page.locator('table.queue tbody tr');
  assert.ok((await rows.count()) > 3, 'the demo unit has open cases');
  await checkPage(page, 'office-queue-busy', office);
  // Filter by right with the keyboard only.
  await page.locator('details.filter-box summary').focus();
  await page.keyboard.press('Enter');
  await page.locator('#f-kind').focus();
  await page.keyboard.press('ArrowDown'); // Access
  await page.locator('.filter-submit button').focus();
  await Promise.all([page.waitForURL((u) => u.searchParams.get('kind') === 'innsyn'), page.keyboard.press('Enter')]);
  const kinds = await page.locator('table.queue tbody tr td:nth-child(3)').allInnerTexts();
  assert.ok(kinds.length > 0 && kinds.every((k) => k === 'Access'), kinds.join(','));
  // Search a reference, then assign it to oneself from the list.
  const reference = (await page.locator('table.queue tbody tr th a').first().innerText()).trim();
  await page.getByLabel('Search by reference').fill(reference.toLowerCase());
  await page.getByRole('button', { name: 'Search' }).click();
  await page.waitForLoadState('load');
  assert.equal(await rows.count(), 1);
  await page.getByLabel(`Select ${reference}`).check();
  await page.getByRole('button', { name: 'Assign selected' }).click();
  await page.waitForLoadState('load');
  assert.ok((await page.locator('main').innerText()).includes('1 case assigned.'));
});
