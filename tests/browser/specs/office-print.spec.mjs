// Letters that go by post, as a caseworker handles them in Chromium: a request registered from a
// letter is collected (Folkeregisteret gives the address) and extended, the extension letter
// waits in "Letters to post", is marked posted there, and the case page shows it posted. Every
// page is checked with axe, at 320 px, and photographed.
import assert from 'node:assert/strict';

import { browserTest } from '../lib/browser.mjs';
import { checkPage } from '../lib/check.mjs';
import { personas } from '../lib/api.mjs';
import { loginStaff } from '../lib/login.mjs';
import { url } from '../lib/env.mjs';

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

browserTest('a letter by post is queued, marked posted and shown on the case', async ({ page }) => {
  const people = await personas();
  const citizen = people.citizens[0];
  await loginStaff(page, 'saksbehandler.gamleoslo');

  // A request that came by letter, with no e-mail address.
  await page.goto(url('/office/registrer?lang=en'));
  await page.getByLabel('Access').check();
  await page.getByLabel('National identity number or D number').fill(citizen.pid);
  await page.getByLabel('Came in as').selectOption('letter');
  await page.getByLabel('Service area').selectOption('settlement');
  await page.getByLabel('What the request is about').fill('Letter: everything you hold about me.');
  await Promise.all([
    page.waitForURL((u) => u.pathname.startsWith('/office/sak/')),
    page.getByRole('button', { name: 'Register' }).click(),
  ]);
  const casePath = new URL(page.url()).pathname;
  const reference = (await mainText(page)).match(/PV-\d{4}-\d+/)?.[0];
  assert.ok(reference, 'the reference on the case page');
  await page.getByRole('button', { name: 'Take the case' }).click();
  await page.waitForLoadState('load');
  await page.getByRole('button', { name: 'Start handling' }).click();
  await page.waitForLoadState('load');
  const collectButton = page.getByRole('button', { name: 'Start collection' });
  if (await collectButton.count()) {
    await collectButton.click();
    await page.waitForLoadState('load');
  }
  await waitForCase(page, (t) => /Done/.test(t) && !/Waiting|Collecting/.test(t.split('Collection from source systems')[1] ?? ''), 'every source done');
  await page.locator('summary', { hasText: 'Extend the deadline' }).click();
  await page.getByLabel('Reason (shown to the person)').fill('We must collect from many sources.');
  await page.getByRole('button', { name: 'Extend the deadline' }).click();
  await page.waitForLoadState('load');
  assert.ok((await mainText(page)).includes('The deadline is extended'));

  // The letter waits to be posted.
  await page.getByRole('link', { name: 'Letters to post' }).click();
  await page.waitForURL((u) => u.pathname === '/office/utsending');
  assert.equal(await page.locator('h1').innerText(), 'Letters to post');
  const row = page.locator('tr', { hasText: reference });
  const rowText = await row.innerText();
  assert.ok(rowText.includes('Extended deadline'), rowText);
  assert.ok(!rowText.includes('Address needed'), 'Folkeregisteret gave the address');
  assert.ok(await row.getByRole('link', { name: `PDF to print ${reference}` }).isVisible());
  await checkPage(page, 'office-letters-to-post', office);

  // Mark it posted (today, the default).
  await row.getByRole('button', { name: `Mark as posted ${reference}` }).click();
  await page.waitForLoadState('load');
  assert.ok((await mainText(page)).includes('The letter is recorded as posted.'));
  assert.equal(await page.locator('tr', { hasText: reference }).count(), 0);
  await checkPage(page, 'office-letters-to-post-done', office);

  // The case page shows the letter's delivery.
  await page.goto(url(casePath));
  const letters = page.locator('table', { has: page.locator('th', { hasText: 'E-mail notice' }) });
  const text = await letters.innerText();
  assert.ok(text.includes('Extended deadline'), text);
  assert.ok(text.includes('Posted'), text);
  assert.ok(text.includes('No e-mail address'), text);
  await checkPage(page, 'office-case-letters', office);
});
