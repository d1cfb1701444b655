// Runs the browser specs: every `specs/*.spec.mjs` (sorted), one file at a time, with node's own
// test runner. Needs DSAR_BASE_URL (a running dsar in demo mode); tests/it/browser_journeys.rs
// starts one and calls this. Optional: DSAR_BROWSER_SPECS=citizen,office (substrings of file
// names), DSAR_CHROMIUM (default /usr/bin/chromium), DSAR_BROWSER_ARTIFACTS (screenshots).
import { readdirSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const specsDir = join(here, 'specs');

if (!process.env.DSAR_BASE_URL) {
  console.error('DSAR_BASE_URL is not set: start dsar in demo mode and point this at it');
  process.exit(2);
}
const wanted = (process.env.DSAR_BROWSER_SPECS ?? '').split(',').map((s) => s.trim()).filter(Boolean);
const files = readdirSync(specsDir)
  .filter((f) => f.endsWith('.spec.mjs'))
  .filter((f) => wanted.length === 0 || wanted.some((w) => f.includes(w)))
  .sort();
if (files.length === 0) {
  console.error(`no spec files in ${specsDir} match ${wanted.join(',') || '*.spec.mjs'}`);
  process.exit(2);
}
console.log(`browser specs against ${process.env.DSAR_BASE_URL}: ${files.join(', ')}`);
const child = spawn(
  process.execPath,
  [
    '--test',
    '--test-concurrency=1',
    '--test-reporter=spec',
    '--test-timeout=600000',
    ...files.map((f) => join(specsDir, f)),
  ],
  { stdio: 'inherit', cwd: here },
);
child.on('exit', (code, signal) => {
  if (signal) {
    console.error(`browser specs stopped by ${signal}`);
    process.exit(1);
  }
  process.exit(code ?? 1);
});
