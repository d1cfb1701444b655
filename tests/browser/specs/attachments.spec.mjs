// A file from the person: the caseworker asks for a copy of a document, the person answers on
// Min side with the answer and a PDF attached, and sees it listed; the caseworker finds it on
// the case page (type, size, "not scanned" where no scanner is configured) and downloads it.
// Every page on the way is checked with axe-core and at 320 px.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';

import { citizenToken, expectApi, personas, staffToken } from '../lib/api.mjs';
import { browserTest } from '../lib/browser.mjs';
import { checkPage } from '../lib/check.mjs';
import { loginCitizen, loginStaff, logout } from '../lib/login.mjs';

/// A small valid PDF.
const PDF = Buffer.from(
  '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n',
);

browserTest('the person answers with a PDF attached and the caseworker downloads it', async ({ page }) => {
  const people = await personas();
  const person = people.citizens[4];
  const citizen = await citizenToken(person.pid);
  const view = await expectApi(201, 'POST', '/api/v1/requests', citizen, {
    kind: 'innsyn',
    description: 'Jeg vil se hva dere har om meg.',
    service_area: 'settlement',
  });
  const caseworker = people.staff
    .filter((s) => s.role === 'caseworker' && s.unit_ids.includes(view.unit.id))
    .sort((a, b) => a.username.localeCompare(b.username))[0].username;
  const staff = await staffToken(caseworker);
  await expectApi(200, 'POST', `/api/v1/requests/${view.id}/transitions`, staff, { action: 'start' });
  await expectApi(200, 'POST', `/api/v1/requests/${view.id}/transitions`, staff, {
    action: 'ask_requester',
    note: 'Send oss en kopi av passet ditt.',
  });

  // Min side: the question, the answer and the file.
  await loginCitizen(page, person.pid, { returnTo: `/min-side/sak/${view.id}` });
  await checkPage(page, 'attach-clarification');
  await page.locator('#answer').fill('Her er en kopi av passet mitt.');
  await page.locator('#file').setInputFiles({ name: 'pass.pdf', mimeType: 'application/pdf', buffer: PDF });
  await Promise.all([
    page.waitForURL((u) => u.searchParams.get('svar') === 'sendt'),
    page.getByRole('button', { name: 'Send svaret' }).click(),
  ]);
  const attached = page.locator('#attachments-title').locator('..');
  assert.match(await attached.innerText(), /pass\.pdf/);
  assert.match(await page.locator('main').innerText(), /Du sendte et dokument/);
  await checkPage(page, 'attach-answered');
  await logout(page);

  // The office: the panel lists it, and the caseworker downloads it.
  await loginStaff(page, caseworker, { returnTo: `/office/sak/${view.id}` });
  const panel = page.locator('#attachments');
  const text = await panel.innerText();
  assert.match(text, /pass\.pdf/);
  assert.match(text, /PDF/);
  assert.match(text, /Ikke skannet/);
  await checkPage(page, 'attach-office-case');
  const link = panel.getByRole('link', { name: 'pass.pdf' });
  const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
  assert.equal(download.suggestedFilename(), 'pass.pdf');
  const bytes = await readFile(await download.path());
  assert.deepEqual(bytes, PDF);
});
