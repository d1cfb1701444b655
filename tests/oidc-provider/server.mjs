// A stand-in for ID-porten and for a workforce IdP in dsar's integration tests: panva's
// certified `oidc-provider` with a small configuration of ours. It issues `pid` and `acr` like
// ID-porten (pairwise `sub`, RS256 ID tokens, PKCE S256 required, `iss` in the authorization
// response) and has a tiny login form of ours that the tests post (like ID-porten's TestID:
// type a number, pick an assurance level).
//
// Environment:
//   PORT          port to listen on (127.0.0.1)
//   APP_BASE      dsar's base URL (for redirect and post-logout URIs)
//   CITIZEN_JWKS  public JWK set of dsar's citizen client (private_key_jwt, ES256)
//   STAFF_SECRET  client secret of dsar's staff client (client_secret_basic)
import crypto from 'node:crypto';
import http from 'node:http';

import Provider from 'oidc-provider';

const port = Number(process.env.PORT);
const issuer = `http://127.0.0.1:${port}`;
const appBase = process.env.APP_BASE;
const citizenJwks = JSON.parse(process.env.CITIZEN_JWKS);
const staffSecret = process.env.STAFF_SECRET;

const { privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
const signingKey = { ...privateKey.export({ format: 'jwk' }), kid: 'test-rs256', alg: 'RS256', use: 'sig' };

// accountId -> claims, filled at login.
const accounts = new Map();

const common = {
  redirect_uris: [`${appBase}/auth/callback`],
  post_logout_redirect_uris: [`${appBase}/logged-out`],
  grant_types: ['authorization_code'],
  response_types: ['code'],
  id_token_signed_response_alg: 'RS256',
};

const configuration = {
  clients: [
    {
      ...common,
      client_id: 'dsar-citizen',
      token_endpoint_auth_method: 'private_key_jwt',
      token_endpoint_auth_signing_alg: 'ES256',
      jwks: citizenJwks,
    },
    {
      ...common,
      client_id: 'dsar-office',
      client_secret: staffSecret,
      token_endpoint_auth_method: 'client_secret_basic',
    },
  ],
  jwks: { keys: [signingKey] },
  cookies: { keys: [crypto.randomBytes(32).toString('hex')] },
  acrValues: ['idporten-loa-low', 'idporten-loa-substantial', 'idporten-loa-high'],
  claims: {
    openid: ['sub'],
    profile: ['pid', 'locale', 'name', 'preferred_username', 'roles'],
  },
  // Scope claims go into the ID token (as ID-porten's `pid`), not only into userinfo.
  conformIdTokenClaims: false,
  pkce: { required: () => true },
  features: {
    devInteractions: { enabled: false },
    rpInitiatedLogout: {
      enabled: true,
      logoutSource: async (ctx, form) => {
        ctx.body = `<!DOCTYPE html><html lang="en"><head><title>Log out</title></head><body>
          ${form}<button type="submit" form="op.logoutForm" name="logout" value="yes">Log out</button>
          </body></html>`;
      },
    },
  },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  async findAccount(ctx, sub) {
    const claims = accounts.get(sub);
    if (!claims) return undefined;
    return { accountId: sub, claims: async () => ({ sub, ...claims }) };
  },
  // First-party clients: no consent screen; the grant covers what the client asked for.
  async loadExistingGrant(ctx) {
    const grantId = ctx.oidc.result?.consent?.grantId
      || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (grantId) return ctx.oidc.provider.Grant.find(grantId);
    const grant = new ctx.oidc.provider.Grant({
      clientId: ctx.oidc.client.clientId,
      accountId: ctx.oidc.session.accountId,
    });
    grant.addOIDCScope('openid profile');
    await grant.save();
    return grant;
  },
};

const provider = new Provider(issuer, configuration);

const escape = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

async function readForm(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

// Our login page: a citizen types a number and picks a level; staff give a username.
async function interaction(req, res) {
  const details = await provider.interactionDetails(req, res);
  const { uid, params } = details;
  const staff = params.client_id === 'dsar-office';
  if (req.method === 'GET') {
    res.setHeader('content-type', 'text/html; charset=utf-8');
    res.end(`<!DOCTYPE html><html lang="en"><head><title>Test login</title></head><body>
      <form method="post" action="/interaction/${escape(uid)}/login">
        ${staff
          ? '<label>Username <input name="username"></label> <label>Role <input name="role"></label>'
          : '<label>pid <input name="pid"></label> <label>acr <input name="acr" value="idporten-loa-substantial"></label>'}
        <button type="submit">Log in</button>
      </form></body></html>`);
    return;
  }
  const form = await readForm(req);
  let accountId;
  let acr;
  if (staff) {
    accountId = form.get('username');
    acr = 'urn:dsar:staff';
    const role = form.get('role');
    accounts.set(accountId, {
      preferred_username: accountId,
      name: `Test ${accountId}`,
      ...(role ? { roles: [role] } : {}),
    });
  } else {
    const pid = form.get('pid');
    // Pairwise-looking sub, never the pid (as ID-porten).
    accountId = crypto.createHash('sha256').update(`citizen:${pid}`).digest('base64url').slice(0, 24);
    acr = form.get('acr');
    accounts.set(accountId, { pid, locale: 'nb' });
  }
  await provider.interactionFinished(req, res, {
    login: { accountId, acr, amr: ['TestID'] },
  }, { mergeWithLastSubmission: false });
}

const handle = provider.callback();
const server = http.createServer(async (req, res) => {
  try {
    if (req.url.startsWith('/interaction/')) {
      await interaction(req, res);
      return;
    }
    handle(req, res);
  } catch (err) {
    res.statusCode = 500;
    res.end(`interaction failed: ${err.message}`);
  }
});

server.listen(port, '127.0.0.1', () => {
  console.log(`oidc-provider listening at ${issuer}`);
});

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => server.close(() => process.exit(0)));
}
