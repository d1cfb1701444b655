// Logins through the built-in demo provider (`/dev/idp`), the way a person does it: the
// service's login link, the provider's page, back to the service.
import assert from 'node:assert/strict';

import { url } from './env.mjs';

/// Logs a citizen in by typing their number on the provider's page. Returns on the page the
/// login came back to (default /min-side).
export async function loginCitizen(page, pid, { returnTo = '/min-side', high = false, onProviderPage } = {}) {
  await page.goto(url(`/login?return_to=${encodeURIComponent(returnTo)}`));
  assert.match(new URL(page.url()).pathname, /^\/dev\/idp\/authorize/, 'the login goes to the provider');
  if (onProviderPage) await onProviderPage(page);
  await page.locator('#pid').fill(pid);
  if (high) await page.locator('input[name="acr"][value$="-high"]').check();
  await Promise.all([
    page.waitForURL((u) => u.pathname === returnTo.split('?')[0]),
    page.locator('button[name="action"][value="login"]').click(),
  ]);
}

/// Logs a staff member in by picking them on the provider's page. Returns on /office (or
/// `returnTo`).
export async function loginStaff(page, username, { returnTo, onProviderPage } = {}) {
  const start = returnTo ? `/office/login?return_to=${encodeURIComponent(returnTo)}` : '/office/login';
  await page.goto(url(start));
  assert.match(new URL(page.url()).pathname, /^\/dev\/idp\/authorize/, 'the login goes to the provider');
  if (onProviderPage) await onProviderPage(page);
  await Promise.all([
    page.waitForURL((u) => !u.pathname.startsWith('/dev/idp') && !u.pathname.startsWith('/auth/')),
    page.locator(`button[name="staff"][value="${username}"]`).click(),
  ]);
}

/// Submits the logout form in the header; ends on the "logged out" page.
export async function logout(page) {
  await Promise.all([
    page.waitForURL((u) => u.pathname === '/logged-out'),
    page.locator('form.logout button[type="submit"]').click(),
  ]);
}
