// The administrator's pages, as people use them in Chromium: add a staff member (a mistake
// first: the focus lands on the error summary, what was typed stays), take a unit from them after
// the confirmation step and give it back, find them with the search, turn a routing rule off
// after the confirmation step and on again, look at the sources' health, and edit a unit with the
// keyboard only. Every page is checked with axe, at 320 px, and photographed.
import assert from 'node:assert/strict';

import { browserTest } from '../lib/browser.mjs';
import { checkPage, tabTo } from '../lib/check.mjs';
import { loginStaff } from '../lib/login.mjs';

// Office pages are wide work pages with tables; they stay within the weight limit too.
const office = { maxKB: 100 };

async function mainText(page) {
  return page.locator('main').innerText();
}

/// Follows a link of the administration's own navigation.
async function adminNav(page, name, path) {
  await Promise.all([
    page.waitForURL((u) => u.pathname === path),
    page.getByRole('navigation', { name: 'Administration pages' }).getByRole('link', { name }).click(),
  ]);
  assert.equal(
    await page.getByRole('navigation', { name: 'Administration pages' }).locator('[aria-current="page"]').innerText(),
    name,
  );
}

browserTest('the administrator adds a staff member, finds them, and turns a rule off and on', async ({ page }) => {
  await loginStaff(page, 'admin', { returnTo: '/office/admin?lang=en' });
  await page.waitForURL((u) => u.pathname === '/office/admin');
  assert.equal(await page.locator('h1').innerText(), 'Administration');
  await checkPage(page, 'office-admin', office);

  // Staff: add someone, with a mistake first.
  await adminNav(page, 'Staff and access', '/office/admin/ansatte');
  await checkPage(page, 'office-admin-staff', office);
  await page.locator('#staff-username').fill('ida nilsen');
  await page.locator('#staff-display_name').fill('Ida Nilsen');
  await page.locator('#staff-unit_ids').selectOption([{ label: 'Nav Elverum' }]);
  await Promise.all([
    page.waitForLoadState('load'),
    page.getByRole('button', { name: 'Add the staff member' }).click(),
  ]);
  await page.locator('#staff-username[aria-invalid="true"]').waitFor();
  // The focus is on the error summary, not at the top of the page; the error is in English.
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'staff-errors');
  const summary = await page.locator('#staff-errors').innerText();
  assert.ok(summary.includes('Write a username of 2 to 64 characters'), summary);
  assert.equal(await page.locator('#staff-username').inputValue(), 'ida nilsen', 'what was typed is kept');
  assert.equal(await page.locator('#staff-display_name').inputValue(), 'Ida Nilsen');
  const chosen = await page.locator('#staff-unit_ids option:checked').allInnerTexts();
  assert.deepEqual(chosen, ['Nav Elverum']);
  await checkPage(page, 'office-admin-staff-error', office);
  // The summary's link leads to the field.
  await page.locator('#staff-errors a').first().click();
  await page.locator('#staff-username').fill('ida.nilsen');
  await page.locator('#staff-unit_ids').selectOption([{ label: 'Nav Elverum' }, { label: 'Enhet for bosetting og introduksjon' }]);
  await Promise.all([
    page.waitForURL((u) => u.pathname.startsWith('/office/admin/ansatte/') && u.searchParams.get('done') === 'staff_added'),
    page.getByRole('button', { name: 'Add the staff member' }).click(),
  ]);
  const added = await mainText(page);
  assert.ok(added.includes('The staff member is added.') && added.includes('Nav Elverum'), added);
  assert.equal(await page.locator('h1').innerText(), 'Ida Nilsen (Caseworker)');
  await checkPage(page, 'office-admin-person', office);

  // Take a unit away: a separate step asks first; afterwards it is offered back.
  await Promise.all([
    page.waitForURL((u) => u.pathname.endsWith('/fjern')),
    page.getByRole('link', { name: 'Remove Nav Elverum' }).click(),
  ]);
  assert.equal(await page.locator('h1').innerText(), 'Remove Nav Elverum from Ida Nilsen?');
  await checkPage(page, 'office-admin-unit-remove', office);
  await Promise.all([
    page.waitForURL((u) => u.searchParams.get('done') === 'unit_removed'),
    page.getByRole('button', { name: 'Remove' }).click(),
  ]);
  assert.equal(await page.getByRole('link', { name: 'Remove Nav Elverum' }).count(), 0);
  await checkPage(page, 'office-admin-unit-removed', office);
  await Promise.all([
    page.waitForURL((u) => u.searchParams.get('done') === 'units_added'),
    page.getByRole('button', { name: 'Add Nav Elverum again' }).click(),
  ]);
  assert.equal(await page.getByRole('link', { name: 'Remove Nav Elverum' }).count(), 1);

  // Find her by a part of her name, with the search (a GET form).
  await adminNav(page, 'Staff and access', '/office/admin/ansatte');
  await page.getByLabel('Name, username or unit').fill('nilsen');
  await Promise.all([
    page.waitForURL((u) => u.searchParams.get('q') === 'nilsen'),
    page.getByRole('button', { name: 'Search', exact: true }).click(),
  ]);
  const rows = page.locator('table tbody tr');
  assert.equal(await rows.count(), 1);
  assert.ok((await rows.first().innerText()).includes('ida.nilsen'));
  await checkPage(page, 'office-admin-staff-search', office);

  // Routing rules: the new rule form chooses no unit; one without a unit is refused.
  await adminNav(page, 'Routing rules', '/office/admin/regler');
  assert.equal(await page.locator('#rule-unit_id').inputValue(), '');
  await checkPage(page, 'office-admin-rules', office);
  await page.locator('#rule-geography').fill('3403');
  await Promise.all([page.waitForLoadState('load'), page.getByRole('button', { name: 'Add the rule' }).click()]);
  await page.locator('#rule-unit_id[aria-invalid="true"]').waitFor();
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'rule-errors');
  assert.equal(await page.locator('#rule-geography').inputValue(), '3403');
  await page.locator('#rule-unit_id').selectOption({ label: 'Enhet for bosetting og introduksjon – Elverum kommune' });
  await Promise.all([
    page.waitForURL((u) => u.searchParams.get('done') === 'rule'),
    page.getByRole('button', { name: 'Add the rule' }).click(),
  ]);
  assert.ok((await mainText(page)).includes('The rule is added.'));

  // Turn it off: a separate step asks first; then it can be turned on again.
  const row = page.locator('tbody tr', { hasText: '3403' });
  await Promise.all([
    page.waitForURL((u) => u.pathname.endsWith('/slett')),
    row.getByRole('link', { name: 'Turn off' }).click(),
  ]);
  assert.equal(await page.locator('h1').innerText(), 'Turn the rule off?');
  await checkPage(page, 'office-admin-rule-off', office);
  await Promise.all([
    page.waitForURL((u) => u.searchParams.get('done') === 'rule_off'),
    page.getByRole('button', { name: 'Turn the rule off' }).click(),
  ]);
  assert.ok((await mainText(page)).includes('The rule is turned off.'));
  assert.ok((await page.locator('tbody tr', { hasText: '3403' }).innerText()).includes('Not in use'));
  await Promise.all([
    page.waitForURL((u) => u.searchParams.get('done') === 'rule_on'),
    page.getByRole('status').getByRole('button', { name: 'Turn on again' }).click(),
  ]);
  assert.ok((await mainText(page)).includes('The rule is on again.'));
  assert.ok((await page.locator('tbody tr', { hasText: '3403' }).innerText()).includes('In use'));

  // Sources: their health, and the step before one is taken out of use.
  await adminNav(page, 'Source systems', '/office/admin/kilder');
  const sources = await mainText(page);
  assert.ok(sources.includes('Last successful collection') && sources.includes('Failed in the last 24 hours'), sources);
  await checkPage(page, 'office-admin-sources', office);
  await Promise.all([
    page.waitForURL((u) => u.pathname.endsWith('/ta-ut')),
    page.getByRole('link', { name: 'Take out of use' }).first().click(),
  ]);
  await checkPage(page, 'office-admin-source-off', office);
  await Promise.all([
    page.waitForURL((u) => u.pathname === '/office/admin/kilder'),
    page.getByRole('link', { name: 'Cancel' }).click(),
  ]);

  await adminNav(page, 'Units', '/office/admin/enheter');
  await checkPage(page, 'office-admin-units', office);
  await adminNav(page, 'Controllers', '/office/admin/behandlingsansvarlige');
  await checkPage(page, 'office-admin-controllers', office);
});

browserTest('the administrator edits a unit with the keyboard only', async ({ page }) => {
  await loginStaff(page, 'admin', { returnTo: '/office/admin/enheter?lang=en' });
  await page.waitForURL((u) => u.pathname === '/office/admin/enheter');
  await page.getByRole('link', { name: 'Nav Elverum', exact: true }).focus();
  await Promise.all([page.waitForURL((u) => u.pathname.startsWith('/office/admin/enheter/')), page.keyboard.press('Enter')]);
  await checkPage(page, 'office-admin-unit', office);
  const unitUrl = page.url();
  await tabTo(page, () => document.activeElement?.id === 'unit-code', 'the unit number');
  await page.keyboard.press('Control+A');
  await page.keyboard.type('427');
  await tabTo(page, () => document.activeElement?.getAttribute('type') === 'submit', 'Save');
  await Promise.all([page.waitForLoadState('load'), page.keyboard.press('Enter')]);
  await page.waitForURL(unitUrl);
  // The refused form comes back at the same address: wait for the answer itself, since the
  // old page also has that address and is already loaded.
  await page.locator('#unit-code[aria-invalid="true"]').waitFor();
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'unit-errors', 'the focus is on the summary');
  assert.ok((await mainText(page)).includes("A NAV office's unit number has 4 digits"));
  assert.equal(await page.locator('#unit-code').inputValue(), '427', 'what was typed is kept');
  await checkPage(page, 'office-admin-unit-error', office);
  await tabTo(page, () => document.activeElement?.id === 'unit-code', 'the unit number again');
  await page.keyboard.press('Control+A');
  await page.keyboard.type('0427');
  await tabTo(page, () => document.activeElement?.id === 'unit-email', 'the mailbox');
  await page.keyboard.press('Control+A');
  await page.keyboard.type('nav.elverum@nav.no');
  await Promise.all([
    page.waitForURL((u) => u.pathname.startsWith('/office/admin/behandlingsansvarlige/') && u.searchParams.get('done') === 'unit'),
    page.keyboard.press('Enter'),
  ]);
  const saved = await mainText(page);
  assert.ok(saved.includes('The unit is saved.') && saved.includes('nav.elverum@nav.no'), saved);
  await checkPage(page, 'office-admin-controller', office);
});
