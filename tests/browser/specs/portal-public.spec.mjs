// The portal before login: the start page in every language, the provider's login page, a
// cancelled login, the "not found" and logged-out pages; the security headers of a page.
import assert from 'node:assert/strict';

import { browserTest } from '../lib/browser.mjs';
import { checkPage } from '../lib/check.mjs';
import { url } from '../lib/env.mjs';

browserTest('the start page explains the rights in every language', async ({ page }) => {
  const expect = {
    nb: ['Innsyn', 'Logg inn med ID-porten'],
    nn: ['Innsyn', 'Logg inn med ID-porten'],
    en: ['Access', 'Log in with ID-porten'],
    uk: ['Доступ', 'ID-porten'],
  };
  for (const [lang, words] of Object.entries(expect)) {
    const response = await page.goto(url(`/?lang=${lang}`));
    assert.equal(response.status(), 200);
    assert.equal(await page.getAttribute('html', 'lang'), lang);
    const text = await page.locator('main').innerText();
    for (const w of words) assert.ok(text.includes(w), `${lang}: "${w}" on the start page`);
    await checkPage(page, `portal-start-${lang}`);
  }
  // The pages say they must not be framed, and run no script.
  const response = await page.goto(url('/'));
  const headers = response.headers();
  assert.equal(headers['x-frame-options'], 'DENY');
  assert.match(headers['content-security-policy'], /frame-ancestors 'none'/);
  assert.match(headers['content-security-policy'], /script-src 'none'/);
});

browserTest('the provider login page, a cancelled login and the logged-out page', async ({ page }) => {
  await page.goto(url('/?lang=en'));
  await page.getByRole('link', { name: 'Log in with ID-porten' }).first().click();
  await page.waitForURL((u) => u.pathname === '/dev/idp/authorize');
  await checkPage(page, 'idp-citizen-login');
  // A number that is not one: the error is shown next to the field, the page stays usable.
  await page.locator('#pid').fill('12345678901');
  await page.locator('button[name="action"][value="login"]').click();
  await page.waitForLoadState('load');
  assert.ok((await page.locator('main').innerText()).includes('not a valid'));
  await checkPage(page, 'idp-citizen-login-error');
  // Cancelling comes back to the service with a page that says so.
  await page.locator('button[name="action"][value="cancel"]').click();
  await page.waitForURL((u) => u.pathname === '/auth/callback');
  assert.ok((await page.locator('h1').innerText()).includes('cancelled'));
  await checkPage(page, 'error-login-cancelled');
  await page.goto(url('/logged-out?lang=en'));
  await checkPage(page, 'logged-out');
});

browserTest('the footer statements and the not-found page', async ({ page }) => {
  await page.goto(url('/?lang=nn'));
  await page.locator('footer').getByRole('link', { name: 'Tilgjengelegheitserklæring' }).click();
  await page.waitForURL((u) => u.pathname === '/tilgjengelighet');
  assert.ok((await page.locator('main').innerText()).includes('WCAG 2.1'));
  await checkPage(page, 'accessibility-statement');
  await page.locator('footer').getByRole('link', { name: 'Personvernerklæring' }).click();
  await page.waitForURL((u) => u.pathname === '/personvern');
  await checkPage(page, 'privacy-statement');
  // The language switcher keeps the page and marks the language in use.
  await page.getByRole('navigation', { name: 'Språk' }).getByRole('link', { name: 'English' }).click();
  await page.waitForURL((u) => u.pathname === '/personvern' && u.search === '?lang=en');
  assert.equal(await page.getAttribute('html', 'lang'), 'en');
  assert.equal(await page.getByRole('link', { name: 'English' }).getAttribute('aria-current'), 'true');
  const response = await page.goto(url('/no-such-page'));
  assert.equal(response.status(), 404);
  assert.equal(await page.locator('h1').innerText(), 'Page not found');
  await checkPage(page, 'error-not-found');
});
