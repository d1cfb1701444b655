// The staff login through the provider's page (the office pages have their own specs).
import assert from 'node:assert/strict';

import { browserTest } from '../lib/browser.mjs';
import { checkPage } from '../lib/check.mjs';
import { loginStaff, logout } from '../lib/login.mjs';

browserTest('a staff member logs in through the provider and out again', async ({ page }) => {
  await loginStaff(page, 'saksbehandler.gamleoslo', { onProviderPage: (p) => checkPage(p, 'idp-staff-login') });
  assert.equal(new URL(page.url()).pathname, '/office');
  // The office speaks bokmål and English: the switcher offers only those.
  const languages = await page.getByRole('navigation', { name: 'Språk' }).getByRole('link').allInnerTexts();
  assert.deepEqual(languages, ['Norsk bokmål', 'English']);
  await logout(page);
  assert.equal(new URL(page.url()).pathname, '/logged-out');
});
