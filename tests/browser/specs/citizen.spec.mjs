// The citizen's journey in the portal: log in through the provider, send every kind of request
// through the wizard (the first one by keyboard only), download the receipt as a PDF, see the
// receipts and the deadlines on Min side, keep and resume a draft, withdraw a request, answer a
// question from the caseworker, see who opened the case, download an answer, never reach someone
// else's case, log out. Every page on the way is checked with axe-core and at 320 px.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';

import { collectToIdle, expectApi, personas, staffToken, citizenToken } from '../lib/api.mjs';
import { browserTest } from '../lib/browser.mjs';
import { checkPage, tabTo } from '../lib/check.mjs';
import { join } from 'node:path';

import { artifactsDir, url } from '../lib/env.mjs';
import { loginCitizen, logout } from '../lib/login.mjs';

// Shared along the journey (the tests of a file run in order).
const journey = { pid: null, sent: {} };

async function citizen() {
  if (!journey.pid) {
    // Amina Yusuf, registered in Bydel Gamle Oslo.
    journey.pid = (await personas()).citizens[0].pid;
  }
  return journey.pid;
}

const focused = (page) =>
  page.evaluate(() => ({
    id: document.activeElement?.id,
    name: document.activeElement?.getAttribute('name'),
    value: document.activeElement?.getAttribute('value'),
    tag: document.activeElement?.tagName,
  }));

/// Reads the receipt: reference and due date shown, the request exists through the API.
async function readReceipt(page, kind) {
  await page.waitForLoadState('load');
  const main = await page.locator('main').innerText();
  assert.match(await page.locator('h1').innerText(), /mottatt|received/i);
  const reference = main.match(/PV-\d{4}-\d{6}/)?.[0];
  assert.ok(reference, `a reference on the receipt: ${main}`);
  const due = await page.locator('dl.summary dd').nth(2).innerText();
  assert.match(due, /\d{1,2}\. \S+ \d{4}/, `a due date on the receipt: ${due}`);
  // On the narrowest screen the reference stays one word (it is read out and typed as one).
  const size = page.viewportSize();
  await page.setViewportSize({ width: 320, height: size.height });
  const marked = await page.locator('main .reference').evaluateAll((all) =>
    all.map((e) => ({ nowrap: getComputedStyle(e).whiteSpace === 'nowrap', lines: e.getClientRects().length })));
  await page.setViewportSize(size);
  assert.equal(marked.length, 2, 'the reference is marked in the sentence and in the summary');
  assert.ok(marked.every((m) => m.nowrap && m.lines === 1), `the reference on one line at 320 px: ${JSON.stringify(marked)}`);
  const href = await page.getByRole('link', { name: /Se forespørselen/ }).getAttribute('href');
  const id = href.match(/\/min-side\/sak\/([0-9a-f-]{36})/)[1];
  journey.sent[kind] = { reference, id, due };
  return journey.sent[kind];
}

browserTest('a citizen sends every kind of request through the wizard', async ({ page }) => {
  const pid = await citizen();
  await loginCitizen(page, pid, { onProviderPage: (p) => checkPage(p, 'idp-login') });
  assert.ok((await page.locator('main').innerText()).includes('Du er logget inn.'));
  await checkPage(page, 'min-side');

  // --- 1. Innsyn, by keyboard only ---------------------------------------------------------
  await tabTo(page, () => document.activeElement?.getAttribute('href')?.startsWith('/min-side/ny'), 'the new-request link');
  await Promise.all([page.waitForURL((u) => u.pathname === '/min-side/ny'), page.keyboard.press('Enter')]);
  await checkPage(page, 'wizard-1-kind');
  // Next without a choice: the error summary links to the question.
  await tabTo(page, () => document.activeElement?.getAttribute('value') === 'next', 'Neste');
  await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
  assert.ok((await page.locator('.error-summary').innerText()).includes('Velg hva du vil be om'));
  await checkPage(page, 'wizard-1-kind-error');
  await tabTo(page, () => document.activeElement?.closest('.error-summary') !== null, 'the error summary link');
  await page.keyboard.press('Enter');
  assert.equal((await focused(page)).id, 'kind-innsyn', 'the summary link moves focus to the first choice');
  await page.keyboard.press('Space');
  assert.ok(await page.locator('#kind-innsyn').isChecked());
  await tabTo(page, () => document.activeElement?.getAttribute('value') === 'next', 'Neste');
  await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
  // Step 2: the service, with arrow keys in the radio group.
  assert.ok((await page.locator('.step-count').innerText()).startsWith('Steg 2 av 5'));
  await checkPage(page, 'wizard-2-area');
  await tabTo(page, () => document.activeElement?.getAttribute('name') === 'service_area', 'the service choices');
  for (let i = 0; i < 6 && !(await page.locator('#area-norwegian-training').isChecked()); i++) {
    await page.keyboard.press('ArrowDown');
  }
  assert.ok(await page.locator('#area-norwegian-training').isChecked(), 'arrow keys choose a service');
  await tabTo(page, () => document.activeElement?.getAttribute('value') === 'next', 'Neste');
  await Promise.all([page.waitForNavigation(), page.keyboard.press('Space')]);
  // Step 3: the details, typed.
  assert.ok((await page.locator('.step-count').innerText()).startsWith('Steg 3 av 5'));
  await checkPage(page, 'wizard-3-details');
  await tabTo(page, () => document.activeElement?.id === 'description', 'the text field');
  await page.keyboard.type('Jeg vil se alt dere har registrert om norskopplæringen min.');
  await tabTo(page, () => document.activeElement?.getAttribute('value') === 'next', 'Neste');
  await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
  // Step 4: e-mail; Enter in the field goes forward (the default button is Next, not Back).
  assert.ok((await page.locator('.step-count').innerText()).startsWith('Steg 4 av 5'));
  await checkPage(page, 'wizard-4-contact');
  await tabTo(page, () => document.activeElement?.id === 'contact_email', 'the e-mail field');
  await page.keyboard.type('amina@example');
  await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
  assert.ok((await page.locator('#contact_email-error').innerText()).includes('e-postadresse'));
  assert.equal(await page.locator('#contact_email').inputValue(), 'amina@example', 'what was typed is kept');
  assert.equal(await page.locator('#contact_email').getAttribute('aria-invalid'), 'true');
  await checkPage(page, 'wizard-4-contact-error');
  await page.locator('#contact_email').focus();
  await page.keyboard.press('End');
  await page.keyboard.type('.no');
  // The wish for answers on paper: a checkbox in the same step, reached and ticked by keyboard.
  await tabTo(page, () => document.activeElement?.id === 'paper', 'the paper checkbox');
  await page.keyboard.press('Space');
  assert.ok(await page.locator('#paper').isChecked());
  await page.locator('#contact_email').focus();
  await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
  // Step 5: check and send.
  assert.ok((await page.locator('.step-count').innerText()).startsWith('Steg 5 av 5'));
  const summary = await page.locator('dl.summary').innerText();
  assert.ok(summary.includes('Innsyn') && summary.includes('norskopplæringen') && summary.includes('amina@example.no'));
  assert.ok(summary.includes('Svar på papir') && summary.includes('Ja, i posten'), summary);
  await checkPage(page, 'wizard-5-confirm');
  await tabTo(page, () => document.activeElement?.getAttribute('value') === 'send', 'Send forespørselen');
  await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
  const sent = await readReceipt(page, 'innsyn');
  await checkPage(page, 'wizard-receipt');
  // The receipt to keep, as a PDF with the reference in it.
  const receiptLink = page.getByRole('link', { name: 'Kvittering (PDF)' });
  const [receipt] = await Promise.all([page.waitForEvent('download'), receiptLink.click()]);
  assert.equal(receipt.suggestedFilename(), `kvittering-${sent.reference}.pdf`);
  const receiptBytes = await readFile(await receipt.path());
  assert.equal(receiptBytes.subarray(0, 5).toString('latin1'), '%PDF-');

  // --- 2. The other four kinds, with the mouse --------------------------------------------
  const others = [
    { kind: 'retting', area: 'settlement', fill: { wrong: 'Adressen min er feil.', right: 'Tøyengata 12, 0190 Oslo' } },
    { kind: 'sletting', area: 'settlement', fill: { description: 'Slett kopien av passet mitt.' } },
    { kind: 'begrensning', area: 'settlement', fill: { description: 'Ikke bruk inntektsopplysningene mens jeg klager.' } },
    { kind: 'protest', area: '', fill: { grounds: 'Jeg vil ikke at opplysningene brukes til forskning.' } },
  ];
  for (const { kind, area, fill } of others) {
    await page.goto(url('/min-side'));
    await page.getByRole('link', { name: 'Send en ny forespørsel' }).first().click();
    await page.locator(`label[for="kind-${kind}"]`).click();
    await page.getByRole('button', { name: 'Neste' }).click();
    await page.locator(area ? `#area-${area}` : '#area-unknown').check();
    await page.getByRole('button', { name: 'Neste' }).click();
    if (kind === 'retting') {
      // Half filled: the missing field is named next to it, the typed one kept.
      await page.locator('#wrong').fill(fill.wrong);
      await page.getByRole('button', { name: 'Neste' }).click();
      assert.ok((await page.locator('#right-error').innerText()).includes('Skriv noen ord her'));
      assert.equal(await page.locator('#wrong').inputValue(), fill.wrong);
      await checkPage(page, 'wizard-3-details-error');
      // Back and forth keeps what was typed.
      await page.getByRole('button', { name: 'Tilbake' }).click();
      assert.ok(await page.locator('#area-settlement').isChecked());
      await page.getByRole('button', { name: 'Neste' }).click();
      assert.equal(await page.locator('#wrong').inputValue(), fill.wrong);
    }
    for (const [field, text] of Object.entries(fill)) await page.locator(`#${field}`).fill(text);
    await page.getByRole('button', { name: 'Neste' }).click();
    await page.getByRole('button', { name: 'Neste' }).click();
    await page.getByRole('button', { name: 'Send forespørselen' }).click();
    await readReceipt(page, kind);
  }

  // --- Min side lists all five with status and deadline -----------------------------------
  await page.goto(url('/min-side'));
  for (const [kind, sent] of Object.entries(journey.sent)) {
    const row = page.locator('tbody tr', { hasText: sent.reference });
    assert.equal(await row.count(), 1, `${kind} ${sent.reference} on Min side`);
    const text = await row.innerText();
    assert.ok(text.includes('Mottatt'), `${kind}: status`);
    assert.ok(text.includes(sent.due), `${kind}: due ${sent.due} in ${text}`);
  }
  assert.equal(await page.locator('.cards h3').count(), 0, 'sent requests leave no drafts');
  await checkPage(page, 'min-side-requests');
});

browserTest('an unfinished request is kept as a draft and can be resumed or deleted', async ({ page }) => {
  await loginCitizen(page, await citizen());
  await page.getByRole('link', { name: 'Send en ny forespørsel' }).first().click();
  await page.locator('label[for="kind-sletting"]').click();
  await page.getByRole('button', { name: 'Neste' }).click();
  await page.getByRole('button', { name: 'Neste' }).click();
  await page.locator('#description').fill('Slett e-postadressen min fra nyhetsbrevet.');
  await page.getByRole('button', { name: 'Neste' }).click();
  // Leaves the wizard at step 4; Min side offers to continue.
  await page.goto(url('/min-side'));
  const card = page.locator('.cards li', { hasText: 'Sletting' });
  assert.equal(await card.count(), 1, 'the draft is listed');
  await checkPage(page, 'min-side-draft');
  await card.getByRole('link', { name: 'Fortsett' }).click();
  assert.ok((await page.locator('.step-count').innerText()).startsWith('Steg 4 av 5'), 'resumed where it was left');
  await page.getByRole('button', { name: 'Tilbake' }).click();
  assert.equal(await page.locator('#description').inputValue(), 'Slett e-postadressen min fra nyhetsbrevet.');
  await page.goto(url('/min-side'));
  await page.locator('.cards li', { hasText: 'Sletting' }).getByRole('button', { name: 'Slett utkastet' }).click();
  await page.waitForURL((u) => u.searchParams.get('utkast') === 'slettet');
  assert.ok((await page.locator('.notice').innerText()).includes('Utkastet er slettet'));
  assert.equal(await page.locator('.cards li', { hasText: 'Sletting' }).count(), 0);
  // Someone else's draft id is simply not found.
  const r = await page.goto(url('/min-side/ny?utkast=00000000-0000-7000-8000-000000000000'));
  assert.equal(r.status(), 404);
});

browserTest('a citizen withdraws, answers a question, sees who opened the case and downloads the answer', async ({ page }) => {
  assert.equal(Object.keys(journey.sent).length, 5, 'the requests sent in the first test');
  await loginCitizen(page, await citizen());

  // Withdraw the erasure request (a form with a CSRF token).
  const sletting = journey.sent.sletting;
  await page.getByRole('link', { name: sletting.reference }).click();
  await page.waitForURL((u) => u.pathname === `/min-side/sak/${sletting.id}`);
  assert.ok((await page.locator('main').innerText()).includes('Ingen ansatte har åpnet saken ennå'));
  await checkPage(page, 'case-received');
  // Withdrawing asks first, on a page of its own, and says what it means.
  await page.getByRole('link', { name: 'Trekk forespørselen' }).click();
  await page.waitForURL((u) => u.pathname === `/min-side/sak/${sletting.id}/trekk`);
  const confirm = await page.locator('main').innerText();
  for (const text of ['Saken blir avsluttet', 'Du kan ikke angre etterpå', 'Du kan når som helst sende en ny forespørsel']) {
    assert.ok(confirm.includes(text), `the confirmation says: ${text}`);
  }
  assert.ok((await page.locator('form[action*="/trekk"] input[name="csrf_token"]').getAttribute('value')).length > 20);
  await checkPage(page, 'withdraw-confirm');
  // "No" goes back and nothing happens; "Yes" withdraws.
  await page.getByRole('link', { name: 'Nei, tilbake til saken' }).click();
  assert.equal(await page.locator('dl.summary .tag').innerText(), 'Mottatt');
  await page.getByRole('link', { name: 'Trekk forespørselen' }).click();
  await page.getByRole('button', { name: 'Ja, trekk forespørselen' }).click();
  await page.waitForURL((u) => u.searchParams.has('trukket'));
  assert.ok((await page.locator('.notice').innerText()).includes('Forespørselen er trukket'));
  assert.equal(await page.locator('dl.summary .tag').innerText(), 'Trukket');
  assert.equal(await page.getByRole('link', { name: 'Trekk forespørselen' }).count(), 0);
  await checkPage(page, 'case-withdrawn');

  // The caseworker asks a question; the person answers it here.
  const begrensning = journey.sent.begrensning;
  const caseworker = await staffToken('saksbehandler.gamleoslo');
  const path = `/api/v1/requests/${begrensning.id}`;
  await expectApi(200, 'POST', `${path}/transitions`, caseworker, { action: 'start' });
  await expectApi(200, 'POST', `${path}/transitions`, caseworker, {
    action: 'ask_requester',
    note: 'Hvilken klage gjelder det, og når sendte du den?',
  });
  await page.goto(url(`/min-side/sak/${begrensning.id}`));
  const panel = page.locator('section.panel');
  assert.ok((await panel.innerText()).includes('Hvilken klage gjelder det'));
  assert.equal(await page.locator('dl.summary .tag').innerText(), 'Venter på svar fra deg');
  await panel.getByRole('button', { name: 'Send svaret' }).click();
  assert.ok((await page.locator('#answer-error').innerText()).includes('Skriv svaret ditt her'));
  await checkPage(page, 'case-clarification-error');
  await page.locator('#answer').fill('Klagen på bostøtten, sendt 3. november.');
  await page.getByRole('button', { name: 'Send svaret' }).click();
  await page.waitForURL((u) => u.searchParams.get('svar') === 'sendt');
  assert.ok((await page.locator('.notice').innerText()).includes('Svaret ditt er sendt'));
  assert.equal(await page.locator('dl.summary .tag').innerText(), 'Under behandling');
  const timeline = await page.locator('ol.timeline').innerText();
  for (const step of ['Vi mottok forespørselen', 'Vi ba deg om mer informasjon', 'Du svarte']) {
    assert.ok(timeline.includes(step), `timeline: ${step}`);
  }
  const events = await expectApi(200, 'GET', `${path}/events`, caseworker);
  assert.ok(events.some((e) => e.action === 'requester_answered' && e.details.note.includes('bostøtten')), 'the answer is in the timeline');
  // The caseworker's read of the timeline (above) shows as role and unit, never a name.
  await page.reload();
  const opened = await page.locator('main').innerText();
  assert.ok(opened.includes('Saksbehandler') && opened.includes('Nav Gamle Oslo'), 'who opened the case');
  assert.ok(!opened.includes('Kari') && !opened.includes('saksbehandler.gamleoslo'), 'no staff names');
  await checkPage(page, 'case-clarification-answered');

  // An approved answer (drafted by a caseworker, approved by a second person) to download.
  const innsyn = journey.sent.innsyn;
  const ude = await staffToken('saksbehandler.ude');
  await expectApi(200, 'POST', `/api/v1/requests/${innsyn.id}/transitions`, ude, { action: 'start' });
  await collectToIdle(ude, innsyn.id);
  const draft = await expectApi(201, 'POST', `/api/v1/requests/${innsyn.id}/decision`, ude, {
    outcome: 'granted',
    legal_bases: [],
    text: 'Du får her en kopi av opplysningene vi har om deg.',
  });
  assert.equal(draft.four_eyes, true);
  const officer = await staffToken('personvern.ude');
  const approved = await expectApi(200, 'POST', `/api/v1/requests/${innsyn.id}/decision/approve`, officer, {});
  const pdf = approved.documents.find((d) => d.kind === 'answer_pdf');
  await page.goto(url(`/min-side/sak/${innsyn.id}`));
  assert.equal(await page.locator('dl.summary .tag').innerText(), 'Besvart');
  // The answer leads: the outcome, the date, one link to read it with type and size.
  const answer = page.locator('section.answer');
  assert.equal(await answer.locator('.outcome').innerText(), 'Forespørselen er innvilget.');
  assert.match(await answer.innerText(), /Du fikk svar \d{1,2}\. \S+ \d{4}\./);
  const kB = (d) => Math.max(1, Math.ceil(d.size / 1000));
  const link = page.getByRole('link', { name: `Les svaret (PDF, ${kB(pdf)} kB)` });
  assert.equal(await link.count(), 1, 'one clear link to the answer');
  const zip = approved.documents.find((d) => d.kind === 'data_package');
  assert.equal(await page.getByRole('link', { name: `Last ned opplysningene (ZIP, ${kB(zip)} kB)` }).count(), 1);
  assert.equal(await answer.locator('dl.files dt').count(), 4, 'each file in the package explained');
  const box = await answer.boundingBox();
  const summary = await page.locator('dl.summary').boundingBox();
  assert.ok(box.y < summary.y, 'the answer comes before the case details');
  const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
  assert.equal(download.suggestedFilename(), pdf.name);
  const bytes = await readFile(await download.path());
  assert.equal(bytes.subarray(0, 4).toString(), '%PDF');
  assert.equal(bytes.length, pdf.size);
  assert.ok((await page.locator('ol.timeline').innerText()).includes('Du fikk svar'));
  await checkPage(page, 'case-answered');
  // In Ukrainian, the body's Norwegian name is marked as Norwegian.
  await page.goto(url(`/min-side/sak/${innsyn.id}?lang=uk`));
  assert.ok((await page.locator('dl.summary [lang="nb"]').count()) >= 1, 'the body name is marked lang="nb"');
  assert.ok(!(await page.locator('main').innerText()).includes('р..'), 'no double stop');
  await checkPage(page, 'case-answered-uk');
  await page.goto(url(`/min-side/sak/${innsyn.id}?lang=nb`));

  // Someone else's case and document are simply not found, by id in the address.
  const other = (await personas()).citizens[1].pid;
  const theirs = await expectApi(201, 'POST', '/api/v1/requests', await citizenToken(other), {
    kind: 'innsyn',
    description: 'Alt om meg',
    service_area: 'settlement',
  });
  let r = await page.goto(url(`/min-side/sak/${theirs.id}`));
  assert.equal(r.status(), 404);
  assert.ok(!(await page.locator('main').innerText()).includes(theirs.reference));
  r = await page.goto(url(`/min-side/sak/${theirs.id}/dokument/${pdf.id}`));
  assert.equal(r.status(), 404);
  r = await page.goto(url(`/min-side/sak/${innsyn.id}/dokument/${theirs.id}`));
  assert.equal(r.status(), 404);
  await checkPage(page, 'error-not-found-case');

  // Logged out, the pages send you back to the login.
  await page.goto(url('/min-side'));
  await logout(page);
  assert.ok((await page.locator('h1').innerText()).includes('logget ut'));
  await checkPage(page, 'logged-out-after-journey');
  await page.goto(url(`/min-side/sak/${innsyn.id}`));
  assert.match(new URL(page.url()).pathname, /^\/dev\/idp\/authorize/);
});

/// Words of the page's first heading that the line breaks split (not at a soft hyphen).
const brokenHeadingWords = (page) =>
  page.evaluate(() => {
    const h1 = document.querySelector('h1');
    const broken = [];
    const walker = document.createTreeWalker(h1, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const re = /[^\s\u00ad]+/g;
      for (let m = re.exec(node.data); m; m = re.exec(node.data)) {
        // Letters of one word on different lines: the word was broken. (The first letter is
        // left out: a range right after a break reports the end of the line before.)
        const tops = new Set();
        for (let at = m.index + 1; at < m.index + m[0].length; at++) {
          const range = document.createRange();
          range.setStart(node, at);
          range.setEnd(node, at + 1);
          tops.add(Math.round(range.getBoundingClientRect().top));
        }
        if (tops.size > 1) broken.push(m[0]);
      }
    }
    return broken;
  });

browserTest('the citizen sees a late answer apologised for, and where a forwarded request went', async ({ page }) => {
  // A citizen of Alna, whose requests Bydel Alna handles.
  const pid = (await personas()).citizens[4].pid;
  const alna = await staffToken('saksbehandler.alna');
  // A letter received 45 days ago and not answered: the deadline has passed.
  const received = new Date(Date.now() - 45 * 86_400_000).toISOString().slice(0, 10);
  const late = await expectApi(201, 'POST', '/api/v1/requests', alna, {
    kind: 'innsyn',
    description: 'Alt dere har om meg',
    service_area: 'settlement',
    subject_pid: pid,
    received_on: received,
  });
  await loginCitizen(page, pid);
  const row = page.locator('tbody tr', { hasText: late.reference });
  assert.ok((await row.innerText()).includes('forsinket'), 'Min side marks the late request');
  await row.getByRole('link', { name: late.reference }).click();
  const warning = page.locator('section.overdue');
  const text = await warning.innerText();
  assert.ok(text.includes('Svaret er forsinket') && text.includes('Vi beklager'), text);
  assert.ok(text.includes('artikkel 77'), text);
  assert.equal(await warning.getByRole('link', { name: 'datatilsynet.no' }).getAttribute('href'), 'https://www.datatilsynet.no/');
  await checkPage(page, 'case-overdue');

  // Forwarded to Utdanningsetaten: the page says where, when and why, and no longer names Bydel Alna.
  const forwarded = await expectApi(201, 'POST', '/api/v1/requests', alna, {
    kind: 'innsyn',
    description: 'Norskkurset mitt',
    service_area: 'settlement',
    subject_pid: pid,
  });
  const ude = (await personas()).staff.find((s) => s.username === 'saksbehandler.ude').unit_ids[0];
  const reason = 'Forespørselen gjelder norskopplæringen, som Utdanningsetaten har ansvaret for.';
  await expectApi(200, 'POST', `/api/v1/requests/${forwarded.id}/forward`, alna, { unit_id: ude, note: reason });
  await page.goto(url(`/min-side/sak/${forwarded.id}`));
  const panel = await page.locator('section.forwarded').innerText();
  assert.ok(panel.includes('Utdanningsetaten') && panel.includes(reason), panel);
  assert.ok(!(await page.locator('main').innerText()).includes('Behandles av'));
  await checkPage(page, 'case-forwarded');

  // The heading never breaks inside a word at 375 px, on the start page and a case page.
  await page.setViewportSize({ width: 375, height: 800 });
  for (const [path, name] of [['/?lang=nb', 'start-375'], ['/personvern?lang=nb', 'privacy-375'], ['/tilgjengelighet?lang=nn', 'accessibility-nn-375'], [`/min-side/sak/${late.id}?lang=nb`, 'case-overdue-375']]) {
    await page.goto(url(path));
    await page.screenshot({ path: join(artifactsDir, `${name}.png`), fullPage: false });
    assert.deepEqual(await brokenHeadingWords(page), [], `${path}: the heading breaks a word`);
  }
});
