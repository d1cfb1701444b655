// Requests made for someone else, in the portal and the office: a parent files for their child
// (parental responsibility, proven by Folkeregisteret's family relations) and reads the answer
// addressed to them about the child; the appointed representative of an unaccompanied minor
// files for him (a representation staff registered from the appointment); a person who is
// neither is refused. Then the citizen's pages in Arabic (right to left) and Tigrinya, with the
// notice that the Norwegian text is binding. Every page on the way is checked with axe-core and
// at 320 px.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

import { collectToIdle, expectApi, personas, staffToken, citizenToken } from '../lib/api.mjs';
import { browserTest } from '../lib/browser.mjs';
import { checkPage } from '../lib/check.mjs';
import { repoRoot, url } from '../lib/env.mjs';
import { loginCitizen, loginStaff, logout } from '../lib/login.mjs';

// The demo citizens (src/sources/simulator/citizens.rs): PARENT, CHILD, UNACCOMPANIED_MINOR and
// MINOR_REPRESENTATIVE, and one with no family relation and no representation.
const PARENT = 0;
const STRANGER = 2;
const MINOR_REPRESENTATIVE = 3;
const CHILD = 6;
const UNACCOMPANIED_MINOR = 7;

async function cast() {
  const people = await personas();
  const c = people.citizens;
  const who = {
    parent: c[PARENT],
    child: c[CHILD],
    minor: c[UNACCOMPANIED_MINOR],
    representative: c[MINOR_REPRESENTATIVE],
    stranger: c[STRANGER],
    staff: people.staff,
  };
  // The indexes mirror the simulator's; a reordering there must not silently change who is who.
  assert.equal(who.parent.name, 'Amina Yusuf');
  assert.equal(who.child.name, 'Leah Yusuf');
  assert.equal(who.minor.name, 'Ahmad Rahimi');
  assert.equal(who.representative.name, 'Yonas Tesfaye');
  assert.equal(who.stranger.name, 'Mariam Haidari');
  return who;
}

/// A number as the pages mask it: the birth date shown, the rest hidden.
const masked = (pid) => `${pid.slice(0, 6)}*****`;

const mainText = (page) => page.locator('main').innerText();

/// Presses one of the wizard's buttons (`next`, `back`, `send`) and waits for the next page.
async function wizard(page, go) {
  const [response] = await Promise.all([
    page.waitForNavigation(),
    page.locator(`button[name="go"][value="${go}"]`).click(),
  ]);
  await page.waitForLoadState('load');
  return response;
}

/// The receipt: the reference and the request's id from its link.
async function receipt(page) {
  const text = await mainText(page);
  const reference = text.match(/PV-\d{4}-\d{6}/)?.[0];
  assert.ok(reference, `a reference on the receipt: ${text}`);
  const href = await page.locator('a[href^="/min-side/sak/"]').first().getAttribute('href');
  const id = href.match(/\/min-side\/sak\/([0-9a-f-]{36})/)[1];
  return { reference, id };
}

/// The caseworker the routing gave the request to: one of the staff of its unit.
function caseworkerOf(staff, view) {
  const unit = view.unit.id;
  const found = staff
    .filter((s) => s.role === 'caseworker' && s.unit_ids.includes(unit))
    .sort((a, b) => a.username.localeCompare(b.username));
  assert.ok(found.length, `a caseworker of unit ${view.unit.name ?? unit}`);
  return found[0].username;
}

/// Everything a citizen's token sees through the API (their own requests and those they made
/// for others).
async function requestsOf(pid) {
  const page = await expectApi(200, 'GET', '/api/v1/requests?limit=100', await citizenToken(pid));
  return page.items;
}

/// Takes the request through collection to a granted, sent answer (approved by a privacy officer
/// of the unit where it decides with four eyes). Returns the approved decision.
async function answer(staff, caseworker, id, unit) {
  const token = await staffToken(caseworker);
  await expectApi(200, 'POST', `/api/v1/requests/${id}/transitions`, token, { action: 'start' });
  await collectToIdle(token, id);
  const draft = await expectApi(201, 'POST', `/api/v1/requests/${id}/decision`, token, {
    outcome: 'granted',
    legal_bases: [],
    text: 'Her er en kopi av opplysningene vi har.',
  });
  let approver = token;
  if (draft.four_eyes) {
    const officer = staff.find((s) => s.role === 'privacy_officer' && s.unit_ids.includes(unit));
    assert.ok(officer, 'a privacy officer to approve');
    approver = await staffToken(officer.username);
  }
  return expectApi(200, 'POST', `/api/v1/requests/${id}/decision/approve`, approver, {});
}

/// Reloads the office's case page until the representation names the person (their name comes
/// from Folkeregisteret through the collection, which the worker runs meanwhile).
async function representationNaming(page, name) {
  for (let i = 0; i < 60; i++) {
    const text = await page.locator('#representation').innerText();
    if (text.includes(name)) return text;
    await page.waitForTimeout(500);
    await page.reload();
  }
  assert.fail(`the representation never named ${name}: ${await page.locator('#representation').innerText()}`);
}

/// The value of the summary's row `term` (a `dl.summary`).
async function summaryValue(page, term) {
  const dt = page.locator('dl.summary dt', { hasText: term });
  if ((await dt.count()) === 0) return null;
  return (await dt.locator('xpath=following-sibling::dd[1]').innerText()).trim();
}

/// The text of an HTML letter downloaded from the page, without its tags.
async function downloadedText(page, link) {
  const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
  const html = await readFile(await download.path(), 'utf8');
  return html
    .replace(/<style[\s\S]*?<\/style>/g, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&nbsp;/g, ' ')
    .replace(/\s+/g, ' ');
}

// Shared along the file (the tests run in order).
const journey = {};

browserTest('a parent files for their child, and the caseworker sees the child and the parent', async ({ page }) => {
  const who = await cast();
  const { parent, child } = who;

  await loginCitizen(page, parent.pid);
  await checkPage(page, 'rep-parent-min-side');
  await page.getByRole('link', { name: 'Send en ny forespørsel' }).first().click();
  await page.waitForURL((u) => u.pathname === '/min-side/ny');

  // Step 1 asks whom the request is for: the child Folkeregisteret records her as responsible for.
  const forWhom = page.getByRole('group', { name: 'Hvem gjelder forespørselen?' });
  assert.equal(await forWhom.count(), 1, 'the wizard asks whom the request is for');
  assert.ok(await page.locator('#for-me').isChecked(), 'oneself is the default');
  const forChild = forWhom.getByLabel(`${child.name}, barnet mitt (jeg har foreldreansvar)`);
  assert.equal(await forChild.count(), 1, 'the child is offered by name');
  assert.ok(!(await mainText(page)).includes(child.pid), 'the child’s number is not shown');
  await checkPage(page, 'rep-parent-wizard-1-for-whom');
  await forChild.check();
  await page.locator('label[for="kind-innsyn"]').click();
  await wizard(page, 'next');
  await checkPage(page, 'rep-parent-wizard-2-area');
  await page.locator('#area-settlement').check();
  await wizard(page, 'next');
  await page.locator('#description').fill('Jeg ber om innsyn i alt dere har registrert om datteren min.');
  await checkPage(page, 'rep-parent-wizard-3-details');
  await wizard(page, 'next');
  await checkPage(page, 'rep-parent-wizard-4-contact');
  // Back to the first step: the choice of the child is kept.
  for (let i = 0; i < 3; i++) await wizard(page, 'back');
  assert.ok(await forChild.isChecked(), 'the choice of the child is kept');
  for (let i = 0; i < 4; i++) await wizard(page, 'next');
  assert.ok((await page.locator('.step-count').innerText()).startsWith('Steg 5 av 5'));
  const childLabel = `${child.name}, barnet mitt (jeg har foreldreansvar)`;
  assert.equal(await summaryValue(page, 'Hvem gjelder forespørselen?'), childLabel, 'the summary names the child');
  await checkPage(page, 'rep-parent-wizard-5-confirm');
  const response = await wizard(page, 'send');
  assert.equal(response.status(), 201);
  const sent = await receipt(page);
  assert.equal(await summaryValue(page, 'Hvem gjelder forespørselen?'), childLabel, 'the receipt names the child');
  await checkPage(page, 'rep-parent-receipt');

  // The request is the child's, made through the parent: the API shows it to the parent with
  // the representation behind it, proven by Folkeregisteret.
  const parentToken = await citizenToken(parent.pid);
  const view = await expectApi(200, 'GET', `/api/v1/requests/${sent.id}`, parentToken);
  const rep = await expectApi(200, 'GET', `/api/v1/requests/${sent.id}/representation`, parentToken);
  assert.equal(rep.basis, 'parental_responsibility');
  assert.equal(rep.represented, masked(child.pid));
  assert.equal(rep.representative, masked(parent.pid));
  assert.equal(rep.evidence, 'Folkeregisteret');
  assert.equal(rep.in_force, true);
  journey.parent = { ...sent, view };

  // Min side lists it; its page opens.
  await page.goto(url('/min-side'));
  const row = page.locator('tbody tr', { hasText: sent.reference });
  assert.equal(await row.count(), 1, 'the request is on the parent’s Min side');
  assert.ok((await row.innerText()).includes('Mottatt'));
  await checkPage(page, 'rep-parent-min-side-request');
  await row.getByRole('link', { name: sent.reference }).click();
  await page.waitForURL((u) => u.pathname === `/min-side/sak/${sent.id}`);
  await checkPage(page, 'rep-parent-case');
  await logout(page);

  // The caseworker the routing gave it to sees both the child and the parent.
  const caseworker = caseworkerOf(who.staff, view);
  journey.parent.caseworker = caseworker;
  await loginStaff(page, caseworker, { returnTo: `/office/sak/${sent.id}` });
  await page.waitForURL((u) => u.pathname === `/office/sak/${sent.id}`);
  const office = await mainText(page);
  assert.ok(office.includes(masked(child.pid)), 'the person is the child (masked number)');
  assert.ok(!office.includes(parent.pid) && !office.includes(child.pid), 'numbers are masked');
  const representation = await page.locator('#representation').innerText();
  for (const text of [child.name, parent.name, masked(parent.pid), 'forelder med foreldreansvar', 'Folkeregisteret']) {
    assert.ok(representation.includes(text), `the representation shows ${text}: ${representation}`);
  }
  assert.ok(office.includes('Brevene går til representanten'), 'the page says where the letters go');
  await checkPage(page, 'rep-parent-office-case');
  await logout(page);
});

browserTest('the parent reads the answer: it greets the parent and says it is about the child', async ({ page }) => {
  const who = await cast();
  const { parent, child } = who;
  const sent = journey.parent;
  assert.ok(sent, 'the request of the test before');
  const approved = await answer(who.staff, sent.caseworker, sent.id, sent.view.unit.id);
  const html = approved.documents.find((d) => d.kind === 'answer_html');
  assert.ok(html, `an HTML answer among ${approved.documents.map((d) => d.kind)}`);

  await loginCitizen(page, parent.pid, { returnTo: `/min-side/sak/${sent.id}` });
  assert.equal(await page.locator('dl.summary .tag').innerText(), 'Besvart');
  assert.equal(await page.locator('section.answer .outcome').innerText(), 'Forespørselen er innvilget.');
  await checkPage(page, 'rep-parent-case-answered');
  const letter = await downloadedText(page, page.locator(`section.answer a[href$="/dokument/${html.id}"]`));
  assert.ok(letter.includes(`Hei, ${parent.name}!`), `the letter greets the parent: ${letter.slice(0, 400)}`);
  assert.ok(
    letter.includes(`Dette brevet gjelder barnet ditt, ${child.name}.`) && letter.includes('foreldreansvar'),
    `the letter says whom it is about: ${letter.slice(0, 600)}`,
  );
});

// Min side's list and the case page say whom a request made for someone else is about (to the
// parent: the child, by the name Folkeregisteret gave for the request) and who sent it (to the
// child: her parent, by name), so that a parent's own requests and the child's are told apart.
browserTest('Min side and the case page say whom a request made for a child is about', async ({ page }) => {
  const { parent, child } = await cast();
  const sent = journey.parent;
  assert.ok(sent, 'the request of the first test');
  await loginCitizen(page, parent.pid);
  const row = await page.locator('tbody tr', { hasText: sent.reference }).innerText();
  assert.ok(row.includes(`Gjelder: ${child.name}, barnet ditt`), `Min side's row names the child: ${row}`);
  assert.ok(!row.includes(child.pid), 'no number');
  await checkPage(page, 'rep-parent-min-side-for-child');
  await page.goto(url(`/min-side/sak/${sent.id}`));
  assert.equal(await summaryValue(page, 'Gjelder'), `${child.name}, barnet ditt`, 'the case page names the child');
  await checkPage(page, 'rep-parent-case-for-child');
  await logout(page);

  // The child sees the same request, sent for her by her parent.
  await loginCitizen(page, child.pid);
  const childRow = await page.locator('tbody tr', { hasText: sent.reference }).innerText();
  assert.ok(
    childRow.includes(`Sendt for deg av ${parent.name}, forelderen din`),
    `the child's row says who sent it: ${childRow}`,
  );
  await checkPage(page, 'rep-child-min-side');
  await page.goto(url(`/min-side/sak/${sent.id}`));
  assert.equal(await summaryValue(page, 'Sendt for deg av'), `${parent.name}, forelderen din`);
  await checkPage(page, 'rep-child-case');
});

browserTest('the appointed representative of an unaccompanied minor files for him', async ({ page }) => {
  const who = await cast();
  const { representative, minor } = who;

  await loginCitizen(page, representative.pid);
  await page.getByRole('link', { name: 'Send en ny forespørsel' }).first().click();
  await page.waitForURL((u) => u.pathname === '/min-side/ny');
  // The representation staff registered from the appointment is offered, with the minor's number
  // masked and the basis in words.
  const forWhom = page.getByRole('group', { name: 'Hvem gjelder forespørselen?' });
  const minorLabel = `Personen med fødselsnummer ${masked(minor.pid)} (jeg er representant for enslig mindreårig asylsøker)`;
  const forMinor = forWhom.getByLabel(minorLabel);
  assert.equal(await forMinor.count(), 1, `the minor is offered: ${await forWhom.innerText().catch(() => 'no choice')}`);
  assert.ok(!(await mainText(page)).includes(minor.pid), 'the minor’s full number is not shown');
  await checkPage(page, 'rep-verge-wizard-1-for-whom');
  await forMinor.check();
  await page.locator('label[for="kind-innsyn"]').click();
  await wizard(page, 'next');
  await page.locator('#area-settlement').check();
  await wizard(page, 'next');
  await page.locator('#description').fill('Jeg er representant for Ahmad og ber om innsyn i det dere har registrert om ham.');
  await wizard(page, 'next');
  await wizard(page, 'next');
  assert.equal(await summaryValue(page, 'Hvem gjelder forespørselen?'), minorLabel, 'the summary names the minor');
  await checkPage(page, 'rep-verge-wizard-5-confirm');
  const response = await wizard(page, 'send');
  assert.equal(response.status(), 201);
  const sent = await receipt(page);
  assert.equal(await summaryValue(page, 'Hvem gjelder forespørselen?'), minorLabel, 'the receipt names the minor');
  await checkPage(page, 'rep-verge-receipt');

  const token = await citizenToken(representative.pid);
  const view = await expectApi(200, 'GET', `/api/v1/requests/${sent.id}`, token);
  const rep = await expectApi(200, 'GET', `/api/v1/requests/${sent.id}/representation`, token);
  assert.equal(rep.basis, 'asylum_representative');
  assert.equal(rep.represented, masked(minor.pid));
  assert.match(rep.evidence, /Statsforvalteren/);

  await page.goto(url('/min-side'));
  const row = page.locator('tbody tr', { hasText: sent.reference });
  assert.equal(await row.count(), 1, 'the request is on the representative’s Min side');
  await checkPage(page, 'rep-verge-min-side');
  await row.getByRole('link', { name: sent.reference }).click();
  await page.waitForURL((u) => u.pathname === `/min-side/sak/${sent.id}`);
  await checkPage(page, 'rep-verge-case');
  await logout(page);

  // The office: the minor, his representative, on what basis and what proves it. Lillestrøm
  // collects when the caseworker starts (the minor's name comes from Folkeregisteret).
  const caseworker = caseworkerOf(who.staff, view);
  const staff = await staffToken(caseworker);
  await expectApi(200, 'POST', `/api/v1/requests/${sent.id}/transitions`, staff, { action: 'start' });
  await collectToIdle(staff, sent.id);
  await loginStaff(page, caseworker, { returnTo: `/office/sak/${sent.id}` });
  await page.waitForURL((u) => u.pathname === `/office/sak/${sent.id}`);
  const office = await mainText(page);
  assert.ok(office.includes(masked(minor.pid)), 'the person is the minor (masked number)');
  const representation = await representationNaming(page, minor.name);
  for (const text of [
    representative.name,
    masked(representative.pid),
    'representant for enslig mindreårig asylsøker',
    'Oppnevning som representant fra Statsforvalteren i Oslo og Viken',
  ]) {
    assert.ok(representation.includes(text), `the representation shows ${text}: ${representation}`);
  }
  // Who checked the appointment: the Lillestrøm caseworker who registered it, by name (as the
  // page names staff everywhere), not by log-in name.
  const registeredBy = who.staff.find((s) => s.username === 'saksbehandler.lillestrom');
  assert.ok(representation.includes(registeredBy.display_name), `checked by ${registeredBy.display_name}: ${representation}`);
  assert.ok(!representation.includes(registeredBy.username), `no log-in name: ${representation}`);
  await checkPage(page, 'rep-verge-office-case');
});

browserTest('a person who represents no one cannot file for someone else', async ({ page }) => {
  const who = await cast();
  const { stranger, child, minor } = who;
  const before = (await requestsOf(stranger.pid)).length;
  const childBefore = (await requestsOf(child.pid)).length;

  await loginCitizen(page, stranger.pid);
  await page.getByRole('link', { name: 'Send en ny forespørsel' }).first().click();
  await page.waitForURL((u) => u.pathname === '/min-side/ny');
  // No one to choose: the wizard does not ask whom the request is for.
  assert.equal(await page.getByRole('group', { name: 'Hvem gjelder forespørselen?' }).count(), 0);
  assert.equal(await page.locator('input[type="radio"][name="on_behalf"]').count(), 0);
  await checkPage(page, 'rep-none-wizard-1');

  // A form altered to file for a child who is not theirs is refused, and nothing is created.
  await page.locator('label[for="kind-innsyn"]').click();
  await wizard(page, 'next');
  await wizard(page, 'next');
  await page.locator('#description').fill('Alt dere har om barnet.');
  await wizard(page, 'next');
  await wizard(page, 'next');
  await page.locator('input[type="hidden"][name="on_behalf"]').evaluate(
    (el, value) => { el.value = value; },
    `parental_responsibility:${child.pid}`,
  );
  const response = await wizard(page, 'send');
  assert.equal(response.status(), 403);
  // Why, in the page's words (not the API's English reason below), and what to do instead.
  assert.equal(
    await page.locator('h1').innerText(),
    'Vi kunne ikke bekrefte at du kan sende forespørselen for denne personen',
  );
  const refused = await mainText(page);
  assert.ok(refused.includes('Folkeregisteret viser ikke at du har foreldreansvar for personen.'), refused);
  assert.ok(refused.includes('send en kopi til virksomheten du vil spørre'), refused);
  assert.ok(!refused.includes('does not record') && !refused.includes(child.pid), refused);
  await checkPage(page, 'rep-none-refused');
  // The way back: the first step, with the answers kept.
  await wizard(page, 'back');
  assert.ok((await page.locator('.step-count').innerText()).startsWith('Steg 1 av 5'));
  assert.ok(await page.locator('#kind-innsyn').isChecked(), 'the answers are kept');
  assert.equal((await requestsOf(stranger.pid)).length, before, 'no request for the stranger');
  assert.equal((await requestsOf(child.pid)).length, childBefore, 'no request for the child');

  // The API gives the reason, for each basis.
  const token = await citizenToken(stranger.pid);
  const request = { kind: 'innsyn', description: 'Alt om barnet', service_area: 'settlement' };
  const asParent = await expectApi(403, 'POST', '/api/v1/requests/on-behalf', token, {
    request,
    basis: 'parental_responsibility',
    represented_pid: child.pid,
  });
  assert.match(JSON.stringify(asParent), /Folkeregisteret does not record you as holding parental responsibility/);
  const asRepresentative = await expectApi(403, 'POST', '/api/v1/requests/on-behalf', token, {
    request,
    basis: 'asylum_representative',
    represented_pid: minor.pid,
  });
  assert.match(JSON.stringify(asRepresentative), /no representation on this basis is registered/);
  assert.equal((await requestsOf(stranger.pid)).length, before, 'still no request');
});

/// The catalogue's text `key` of `file` in `lang` (`locales/<lang>/<file>.toml`, a plain
/// `key = "…"` line).
async function catalogue(lang, file, key) {
  const text = await readFile(join(repoRoot, 'locales', lang, `${file}.toml`), 'utf8');
  const line = text.split('\n').find((l) => l.startsWith(`${key} = "`));
  assert.ok(line, `${key} in locales/${lang}/${file}.toml`);
  return JSON.parse(line.slice(line.indexOf('"')));
}

async function reviewed(lang) {
  const text = await readFile(join(repoRoot, 'locales', lang, '_review.toml'), 'utf8');
  return /^reviewed\s*=\s*true/m.test(text);
}

/// The page is in `lang`, in the right direction, and says the Norwegian text is binding when
/// the catalogue marks the language unreviewed, linking to `bokmal` (the same page by GET: a
/// string, or a pattern).
async function inLanguage(page, lang, dir, name, bokmal = '?lang=nb') {
  const html = page.locator('html');
  assert.equal(await html.getAttribute('lang'), lang, `${name}: <html lang>`);
  assert.equal(await html.getAttribute('dir'), dir, `${name}: <html dir>`);
  const notice = page.locator('aside.notice--translation');
  if (await reviewed(lang)) {
    assert.equal(await notice.count(), 0, `${name}: no translation notice in a reviewed language`);
  } else {
    assert.equal(await notice.count(), 1, `${name}: the notice that the Norwegian text is binding`);
    assert.equal(await notice.getAttribute('aria-label'), await catalogue(lang, 'common', 'unreviewed_label'));
    assert.equal((await notice.locator('p').first().innerText()).trim(), await catalogue(lang, 'common', 'unreviewed_notice'));
    const link = notice.locator('a');
    assert.equal(await link.getAttribute('lang'), 'nb', `${name}: the link to bokmål is marked as Norwegian`);
    const href = await link.getAttribute('href');
    if (bokmal instanceof RegExp) assert.match(href, bokmal, `${name}: the link to bokmål`);
    else assert.equal(href, bokmal, `${name}: the link to bokmål`);
    assert.equal((await link.innerText()).trim(), await catalogue('nb', 'common', 'unreviewed_link'));
  }
  await checkPage(page, name);
}

for (const [lang, dir, index] of [['ar', 'rtl', STRANGER], ['ti', 'ltr', MINOR_REPRESENTATIVE]]) {
  browserTest(`the citizen's pages in ${lang} (${dir}) say the Norwegian text is binding`, async ({ page }) => {
    const pid = (await personas()).citizens[index].pid;
    await page.goto(url(`/?lang=${lang}`));
    await inLanguage(page, lang, dir, `lang-${lang}-start`);
    // The login comes back to Min side in the language chosen before it.
    await loginCitizen(page, pid);
    await inLanguage(page, lang, dir, `lang-${lang}-min-side-logged-in`);
    await page.locator('a.button[href^="/min-side/ny"]').first().click();
    await page.waitForURL((u) => u.pathname === '/min-side/ny');
    // The wizard's steps answer posts: bokmål is the saved draft at the same step.
    const fresh = '/min-side/ny?lang=nb';
    const draft = /^\/min-side\/ny\?utkast=[0-9a-f-]{36}&lang=nb$/;
    await inLanguage(page, lang, dir, `lang-${lang}-wizard-1`, fresh);
    const error = await wizard(page, 'next');
    assert.equal(error.status(), 422);
    assert.equal(await page.locator('.error-summary').count(), 1);
    await inLanguage(page, lang, dir, `lang-${lang}-wizard-1-error`, fresh);
    await page.locator('#kind-innsyn').check();
    await wizard(page, 'next');
    await inLanguage(page, lang, dir, `lang-${lang}-wizard-2`, draft);
    await page.locator('#area-settlement').check();
    await wizard(page, 'next');
    await inLanguage(page, lang, dir, `lang-${lang}-wizard-3`, draft);
    const text = lang === 'ar' ? 'أريد الاطلاع على كل ما لديكم عني.' : 'ኩሉ ብዛዕባይ ዘለኩም ሓበሬታ ክርኢ እደሊ።';
    await page.locator('#description').fill(text);
    await wizard(page, 'next');
    await inLanguage(page, lang, dir, `lang-${lang}-wizard-4`, draft);
    // The link gives this step in bokmål with the answers, and the switcher comes back to it.
    await page.locator('aside.notice--translation a').click();
    await page.waitForURL((u) => u.pathname === '/min-side/ny' && u.searchParams.get('lang') === 'nb');
    assert.equal(await page.locator('html').getAttribute('lang'), 'nb');
    assert.ok((await page.locator('.step-count').innerText()).startsWith('Steg 4 av 5'));
    assert.equal(await page.locator('input[type="hidden"][name="description"]').inputValue(), text);
    await page.locator(`ul.lang-switch a[hreflang="${lang}"]`).click();
    await page.waitForURL((u) => u.pathname === '/min-side/ny' && u.searchParams.get('lang') === lang);
    await inLanguage(page, lang, dir, `lang-${lang}-wizard-4-again`, draft);
    assert.equal(await page.locator('#language').inputValue(), lang, 'letters in the page’s language by default');
    await wizard(page, 'next');
    await inLanguage(page, lang, dir, `lang-${lang}-wizard-5`, draft);
    const sent = await wizard(page, 'send');
    assert.equal(sent.status(), 201);
    const { reference, id } = await receipt(page);
    // The receipt answers the post: bokmål is the request's page.
    await inLanguage(page, lang, dir, `lang-${lang}-receipt`, `/min-side/sak/${id}?lang=nb`);
    await page.goto(url('/min-side'));
    assert.equal(await page.locator('tbody tr', { hasText: reference }).count(), 1);
    await inLanguage(page, lang, dir, `lang-${lang}-min-side`);
    await page.locator(`a[href^="/min-side/sak/${id}"]`).first().click();
    await page.waitForURL((u) => u.pathname === `/min-side/sak/${id}`);
    await inLanguage(page, lang, dir, `lang-${lang}-case`, `/min-side/sak/${id}?lang=nb`);
    // The link in the notice gives the same page in bokmål, without the notice.
    await page.locator('aside.notice--translation a').click();
    await page.waitForURL((u) => u.pathname === `/min-side/sak/${id}` && u.searchParams.get('lang') === 'nb');
    assert.equal(await page.locator('html').getAttribute('lang'), 'nb');
    assert.equal(await page.locator('aside.notice--translation').count(), 0);
  });
}
