// The JSON API and the demo endpoints, for setting up what a journey needs (e.g. an approved
// answer) without clicking through another person's pages.
import assert from 'node:assert/strict';

import { url } from './env.mjs';

export async function api(method, path, token, body, headers = {}) {
  const h = { ...headers };
  if (token) h.authorization = `Bearer ${token}`;
  if (body !== undefined) h['content-type'] = 'application/json';
  const r = await fetch(url(path), { method, headers: h, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await r.text();
  let json = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = text;
  }
  return { status: r.status, body: json };
}

/// `api` that insists on one status; returns the body.
export async function expectApi(status, method, path, token, body, headers) {
  const r = await api(method, path, token, body, headers);
  assert.equal(r.status, status, `${method} ${path}: ${JSON.stringify(r.body)}`);
  return r.body;
}

/// `GET /dev/personas`: `{ staff: [...], citizens: [{ name, pid, ... }] }`.
export async function personas() {
  return expectApi(200, 'GET', '/dev/personas');
}

/// A bearer token from the demo issuer: `{ staff: "username" }` or `{ pid: "..." }`.
export async function token(body) {
  return (await expectApi(200, 'POST', '/dev/token', undefined, body)).access_token;
}

export const staffToken = (username) => token({ staff: username });
export const citizenToken = (pid) => token({ pid });

/// Asks every source what it holds about the person of request `id` and waits until each has
/// answered (the server's collection worker runs); a source without an API is entered by hand as
/// holding nothing. A decision is made only after this (or the caseworker's waiver).
export async function collectToIdle(token, id, within = 20000) {
  await expectApi(202, 'POST', `/api/v1/requests/${id}/collect`, token, { operation: 'access' });
  const start = Date.now();
  for (;;) {
    const tasks = await expectApi(200, 'GET', `/api/v1/requests/${id}/sources`, token);
    if (tasks.length && !tasks.some((t) => t.status === 'pending' || t.status === 'running')) {
      for (const t of tasks.filter((t) => t.status === 'manual')) {
        await expectApi(200, 'POST', `/api/v1/requests/${id}/sources/${t.source}/manual`, token, { records: [] });
      }
      const after = await expectApi(200, 'GET', `/api/v1/requests/${id}/sources`, token);
      assert.ok(after.every((t) => t.status === 'done'), `every source answered: ${JSON.stringify(after)}`);
      return after;
    }
    assert.ok(Date.now() - start < within, `collection did not settle: ${JSON.stringify(tasks)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/// Records that the requester showed a passport in person: a request registered by staff (not
/// through ID-porten) gets no decision before its requester's identity is verified.
export async function verifyIdentity(token, id) {
  return expectApi(200, 'POST', `/api/v1/requests/${id}/identity-verification`, token, {
    method: 'id_document_in_person',
    document_type: 'passport',
    document_number: 'AB1234567',
  });
}
