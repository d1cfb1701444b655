// The case page with the keyboard only, counting Tab presses: after each action focus lands on
// the notice, and the skip links ("Gå til handlinger", "Gå til vedtaket") take the caseworker
// to what they do next. Then the approver sees the exact letter before the button that sends
// it. Budget for the caseworker's journey (docs/pages.md): TAB_BUDGET presses.
import assert from 'node:assert/strict';

import { browserTest } from '../lib/browser.mjs';
import { checkPage, invisibleFocus } from '../lib/check.mjs';
import { collectToIdle, expectApi, personas, staffToken, verifyIdentity } from '../lib/api.mjs';
import { loginStaff, logout } from '../lib/login.mjs';
import { url } from '../lib/env.mjs';

const office = { maxKB: 100 };
/// Tab presses for the caseworker's journey below (take the case, start it, send the decision
/// to approval) measured 30; the budget leaves room for a field or two.
const TAB_BUDGET = 32;

let tabs = 0;

/// Presses Tab until `predicate` holds in the page, counting the presses; focus must stay
/// visible on the way.
async function tabTo(page, predicate, what, max = 60) {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    tabs += 1;
    const hidden = await invisibleFocus(page);
    assert.equal(hidden, null, `keyboard focus is not visible on ${hidden} (on the way to ${what})`);
    if (await page.evaluate(predicate)) return;
  }
  throw new Error(`Tab never reached ${what}`);
}

/// Presses Enter on the focused control and waits for the next page, which must put focus on
/// its notice.
async function act(page, notice) {
  await Promise.all([page.waitForEvent('load'), page.keyboard.press('Enter')]);
  await page.waitForFunction(() => document.activeElement?.id === 'notice');
  const text = await page.locator('#notice').innerText();
  assert.ok(text.includes(notice), `the notice says "${notice}": ${text}`);
}

browserTest('a caseworker works a case with the keyboard and the approver sees the letter', async ({ page }) => {
  const people = await personas();
  const citizen = people.citizens[0];
  const token = await staffToken('saksbehandler.ude');
  const created = await expectApi(201, 'POST', '/api/v1/requests', token, {
    kind: 'innsyn',
    description: 'Alt dere har om meg i norskopplæringen.',
    service_area: 'norwegian-training',
    language: 'uk',
    subject_pid: citizen.pid,
  });
  const casePath = `/office/sak/${created.id}`;

  await loginStaff(page, 'saksbehandler.ude', { returnTo: casePath });
  await page.waitForURL((u) => u.pathname === casePath);
  // The answer language by name, with the warning beside the reasons once it is in progress.
  assert.ok((await page.locator('main').innerText()).includes('ukrainsk'));

  // From the top: the skip link to the actions, take the case.
  tabs = 0;
  await tabTo(page, () => document.activeElement?.textContent === 'Gå til handlinger', 'the skip link');
  await page.keyboard.press('Enter');
  await tabTo(page, () => document.activeElement?.textContent === 'Ta saken selv', 'Ta saken selv');
  await act(page, 'Saken er tildelt.');
  // From the notice: the skip link is next, then Start.
  await tabTo(page, () => document.activeElement?.textContent === 'Gå til handlinger', 'the skip link');
  await page.keyboard.press('Enter');
  await tabTo(page, () => document.activeElement?.textContent === 'Start behandlingen', 'Start behandlingen');
  await act(page, 'Behandlingen er startet.');
  // The decision waits for the sources: the page says so, with the way to waive it.
  assert.ok((await page.locator('#collection-blocked').innerText()).includes('Vedtaket venter på innhentingen.'));
  await checkPage(page, 'office-case-collection-blocked', office);
  await collectToIdle(token, created.id);
  // Registered by staff: the passport seen at the counter is recorded before the decision.
  await verifyIdentity(token, created.id);
  await page.reload();
  await page.waitForLoadState('load');
  // Back where the journey was: on the notice (a reload does not move focus there by itself).
  await page.locator('#notice').focus();
  await checkPage(page, 'office-case-notice', office);
  const hint = await page.locator('#decision-text-hint').innerText();
  assert.ok(hint.includes('Svaret skrives på ukrainsk.') && hint.includes('merket som norsk tekst'), hint);
  // To the decision: granted, sent to approval (Utdanningsetaten has four eyes).
  await tabTo(page, () => document.activeElement?.textContent === 'Gå til vedtaket', 'the decision skip link');
  await page.keyboard.press('Enter');
  await tabTo(page, () => document.activeElement?.id === 'outcome-granted', 'Innvilget');
  await page.keyboard.press('Space');
  await tabTo(page, () => document.activeElement?.textContent === 'Send til godkjenning', 'Send til godkjenning');
  await act(page, 'Utkastet er sendt til godkjenning.');
  console.log(`caseworker's journey: ${tabs} Tab presses (budget ${TAB_BUDGET})`);
  assert.ok(tabs <= TAB_BUDGET, `${tabs} Tab presses, over the budget of ${TAB_BUDGET}`);
  await logout(page);

  // The approver: the letter and the package before the button.
  await loginStaff(page, 'personvern.ude', { returnTo: casePath });
  await page.waitForURL((u) => u.pathname === casePath);
  const frame = page.frameLocator('iframe.letter-frame');
  await frame.locator('body').waitFor();
  assert.ok((await frame.locator('body').innerText()).includes(created.reference), 'the letter of this case');
  const links = await page.locator('.letter-files').innerText();
  assert.match(links, /Brevet som PDF \(\d+ kB\)/);
  assert.match(links, /Datapakken \(\d+ kB\)/);
  const order = await page.evaluate(() => {
    const f = document.querySelector('iframe.letter-frame');
    const b = [...document.querySelectorAll('button')].find((x) => x.textContent === 'Godkjenn og send svaret');
    return Boolean(f && b && f.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING);
  });
  assert.ok(order, 'the letter comes before the approve button');
  assert.ok(!(await page.locator('body').innerText()).includes('Personvernombud'), 'the approver is not called the DPO');
  await checkPage(page, 'office-case-approval-letter', office);
  await page.getByRole('button', { name: 'Godkjenn og send svaret' }).click();
  await page.waitForLoadState('load');
  assert.ok((await page.locator('#notice').innerText()).includes('Vedtaket er godkjent, og svaret er sendt.'));
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'notice');
  await page.goto(url(`${casePath}?lang=nb`));
  const history = await page.locator('.timeline').innerText();
  assert.ok(!/Mottatt\s*→\s*Mottatt/.test(history), history);
  assert.ok(history.includes('Jonas Saksbehandler (Utdanningsetaten)'), 'people by name');
});
