// Where things are: the app under test, Chromium, the artefact folder.
import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const repoRoot = resolve(here, '..', '..', '..');

export const baseURL = (process.env.DSAR_BASE_URL ?? '').replace(/\/$/, '');
if (!baseURL) {
  throw new Error('DSAR_BASE_URL is not set (tests/it/browser_journeys.rs sets it)');
}
export const chromiumPath = process.env.DSAR_CHROMIUM || '/usr/bin/chromium';
export const artifactsDir = process.env.DSAR_BROWSER_ARTIFACTS || join(repoRoot, 'target', 'browser-artifacts');
mkdirSync(artifactsDir, { recursive: true });

// Debian's Chromium on a closed network: without the background-networking flags its own
// connections (updates, sync, field trials) are refused and slow everything down.
export const chromiumArgs = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/// An absolute URL of the app.
export const url = (path) => `${baseURL}${path}`;
