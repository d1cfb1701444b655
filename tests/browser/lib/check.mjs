// The checks every page gets: axe-core at WCAG 2.1 A/AA, reflow at 320 CSS px (no horizontal
// scrolling; WCAG 1.4.10, also what 400 % zoom of a 1280 px window gives), the page's weight,
// and a screenshot in target/browser-artifacts/<name>.png.
//
//   import { checkPage } from '../lib/check.mjs';
//   await checkPage(page, 'office-queue');
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import assert from 'node:assert/strict';

import { artifactsDir } from './env.mjs';

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

export const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

/// Runs axe-core in the page (evaluated by the driver, so the page's CSP stays as it is) and
/// returns the violations.
export async function axeViolations(page, { tags = WCAG_TAGS } = {}) {
  const loaded = await page.evaluate(() => typeof window.axe !== 'undefined');
  if (!loaded) await page.evaluate(axeSource);
  const result = await page.evaluate(
    (values) => window.axe.run(document, { runOnly: { type: 'tag', values }, resultTypes: ['violations'] }),
    tags,
  );
  return result.violations;
}

/// Violations as text a person can act on: rule, impact, what to fix, where.
export function formatViolations(violations) {
  return violations
    .map((v) => {
      const nodes = v.nodes
        .slice(0, 8)
        .map((n) => {
          const html = n.html.length > 200 ? `${n.html.slice(0, 200)}…` : n.html;
          const why = (n.failureSummary ?? '').replace(/\s*\n\s*/g, ' ');
          return `      at ${n.target.join(' ')}\n         ${html}\n         ${why}`;
        })
        .join('\n');
      const more = v.nodes.length > 8 ? `\n      … and ${v.nodes.length - 8} more` : '';
      return `  [${v.impact}] ${v.id}: ${v.help}\n      ${v.helpUrl}\n${nodes}${more}`;
    })
    .join('\n');
}

/// Elements sticking out to the right of a narrow viewport (the cause of horizontal scrolling).
async function overflowingElements(page, width) {
  return page.evaluate((w) => {
    const out = [];
    for (const el of document.querySelectorAll('body *')) {
      const r = el.getBoundingClientRect();
      const style = getComputedStyle(el);
      // Text that does not wrap sticks out of a box that itself fits.
      const spills = style.overflowX === 'visible' && el.scrollWidth > el.clientWidth + 1 && r.left + el.scrollWidth > w + 1;
      if ((r.right > w + 1 && r.width > 0) || spills) {
        // Skip content inside a scrolling container (wide tables in `.table-wrap`).
        let p = el.parentElement;
        let contained = false;
        while (p && p !== document.body) {
          const ox = getComputedStyle(p).overflowX;
          if (ox === 'auto' || ox === 'scroll' || ox === 'hidden') { contained = true; break; }
          p = p.parentElement;
        }
        if (!contained) {
          const id = el.id ? `#${el.id}` : '';
          const cls = el.className && typeof el.className === 'string' ? `.${el.className.trim().split(/\s+/).join('.')}` : '';
          out.push(`${el.tagName.toLowerCase()}${id}${cls} (right edge ${Math.round(Math.max(r.right, r.left + el.scrollWidth))}px)`);
        }
      }
      if (out.length >= 8) break;
    }
    return out;
  }, width);
}

/// Whether the page scrolls sideways at `width` CSS px; returns the culprits if it does.
export async function reflowProblems(page, width = 320) {
  const before = page.viewportSize();
  await page.setViewportSize({ width, height: 720 });
  try {
    const scroll = await page.evaluate(() => document.documentElement.scrollWidth);
    if (scroll <= width + 1) return null;
    return { scrollWidth: scroll, culprits: await overflowingElements(page, width) };
  } finally {
    if (before) await page.setViewportSize(before);
  }
}

/// Bytes of the document and everything it loaded (uncompressed).
export async function pageWeight(page) {
  return page.evaluate(() => {
    const nav = performance.getEntriesByType('navigation')[0];
    const docBytes = nav ? nav.decodedBodySize : document.documentElement.outerHTML.length;
    const resources = performance.getEntriesByType('resource').reduce((n, r) => n + (r.decodedBodySize || 0), 0);
    return docBytes + resources;
  });
}

/// axe (zero violations, at the normal width and at 320 px), reflow at 320 px, weight,
/// screenshots. Throws with a readable report.
/// Options: `maxKB` (default 100), `reflow` (default true), `width320Shot` (also save
/// `<name>-320.png`, default true).
export async function checkPage(page, name, { maxKB = 100, reflow = true, width320Shot = true } = {}) {
  await page.waitForLoadState('load');
  const problems = [];
  const violations = await axeViolations(page);
  if (violations.length) {
    problems.push(`axe found ${violations.length} WCAG 2.1 AA violation(s) on ${page.url()}:\n${formatViolations(violations)}`);
  }
  const bytes = await pageWeight(page);
  if (bytes > maxKB * 1024) {
    problems.push(`the page weighs ${(bytes / 1024).toFixed(1)} KB with its CSS (limit ${maxKB} KB)`);
  }
  await page.screenshot({ path: join(artifactsDir, `${name}.png`), fullPage: true });
  const before = page.viewportSize();
  await page.setViewportSize({ width: 320, height: 720 });
  try {
    if (reflow) {
      const scroll = await page.evaluate(() => document.documentElement.scrollWidth);
      if (scroll > 321) {
        const culprits = await overflowingElements(page, 320);
        problems.push(`at 320 px the page scrolls sideways (scrollWidth ${scroll}px): ${culprits.join(', ')}`);
      }
    }
    // Narrow layouts change things axe looks at (scrolling regions, stacked tables).
    const known = new Set(violations.map((v) => v.id));
    const narrow = (await axeViolations(page)).filter((v) => !known.has(v.id));
    if (narrow.length) {
      problems.push(`axe found ${narrow.length} more violation(s) at 320 px:\n${formatViolations(narrow)}`);
    }
    if (width320Shot) {
      await page.screenshot({ path: join(artifactsDir, `${name}-320.png`), fullPage: true });
    }
  } finally {
    if (before) await page.setViewportSize(before);
  }
  console.log(`  checked ${name}: axe ok=${violations.length === 0}, ${(bytes / 1024).toFixed(1)} KB`);
  assert.ok(problems.length === 0, `${name}:\n${problems.join('\n')}`);
}

/// The focused element shows that it has focus (an outline or our focus ring). Returns a
/// description of the element when it does not, else null.
export async function invisibleFocus(page) {
  return page.evaluate(() => {
    const el = document.activeElement;
    if (!el || el === document.body) return null;
    const s = getComputedStyle(el);
    const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0 && !/rgba\(0, 0, 0, 0\)|transparent/.test(s.outlineColor);
    const ring = s.boxShadow && s.boxShadow !== 'none';
    if (outline || ring) return null;
    return `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''} "${(el.textContent || el.getAttribute('value') || '').trim().slice(0, 40)}"`;
  });
}

/// Presses Tab until `predicate` (run in the page) holds for the focused element, checking on
/// the way that every element reached shows its focus. Throws after `max` presses.
export async function tabTo(page, predicate, what, max = 60) {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    const hidden = await invisibleFocus(page);
    assert.equal(hidden, null, `keyboard focus is not visible on ${hidden} (on the way to ${what})`);
    if (await page.evaluate(predicate)) return;
  }
  throw new Error(`Tab never reached ${what}`);
}
