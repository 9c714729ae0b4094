// The Local IdP: a real OpenID Connect provider (oidc-provider, pinned in package.json) for signing in to
// Bkmark "with a social account" on a developer machine and in the integration tests. Its sign-in form takes
// any email address and any password, and its ID tokens carry that address as a verified `email`, so one can
// play any person. It asks for consent once per account (per run: everything is in memory).
//
//   node scripts/local-idp.mjs                 serves http://127.0.0.1:7300
//   LOCAL_IDP_PORT=7301 node scripts/local-idp.mjs
//
// Settings (environment):
//   LOCAL_IDP_PORT            port on 127.0.0.1 (default 7300)
//   LOCAL_IDP_CLIENT_ID       the client registered for Bkmark (default bkmark-local)
//   LOCAL_IDP_CLIENT_SECRET   its secret (default local-idp-dev-secret; a development value, never a real one)
//   LOCAL_IDP_REDIRECT_URIS   space-separated callback URLs besides the loopback rule below
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import Provider from 'oidc-provider';

const port = Number(process.env.LOCAL_IDP_PORT ?? 7300);
const issuer = `http://127.0.0.1:${port}`;
const clientId = process.env.LOCAL_IDP_CLIENT_ID ?? 'bkmark-local';
const clientSecret = process.env.LOCAL_IDP_CLIENT_SECRET ?? 'local-idp-dev-secret';
const callbackPath = '/api/v1/auth/social/local/callback';
const extraRedirectUris = (process.env.LOCAL_IDP_REDIRECT_URIS ?? '').split(' ').filter(Boolean);

// A fresh signing key per run: nothing to keep, and a token from an earlier run cannot verify.
const signingKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });

// accountId/clientId -> grant id: consent is asked the first time an account signs in to Bkmark, not every time.
const grantsByAccount = new Map();

const provider = new Provider(issuer, {
  clients: [{
    client_id: clientId,
    client_secret: clientSecret,
    redirect_uris: [`http://localhost:7071${callbackPath}`, ...extraRedirectUris],
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
  }],
  jwks: { keys: [{ ...signingKey, kid: randomBytes(8).toString('hex'), use: 'sig', alg: 'RS256' }] },
  cookies: { keys: [randomBytes(32).toString('hex')] },
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
  // Bkmark reads the email from the ID token, as it would from Google's or Microsoft's.
  conformIdTokenClaims: false,
  pkce: { required: () => true },
  features: { devInteractions: { enabled: true } },
  // The dev sign-in form makes whatever was typed the account id: the person is that email address.
  async findAccount(ctx, accountId) {
    const email = accountId.trim().toLowerCase();
    return {
      accountId,
      async claims() {
        return { sub: accountId, email, email_verified: true, name: email.split('@')[0] };
      },
    };
  },
  async loadExistingGrant(ctx) {
    const key = `${ctx.oidc.session.accountId}/${ctx.oidc.client.clientId}`;
    const grantId = ctx.oidc.result?.consent?.grantId
      ?? ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId)
      ?? grantsByAccount.get(key);
    if (!grantId) {
      return undefined;
    }

    grantsByAccount.set(key, grantId);
    ctx.oidc.session.ensureClientContainer(ctx.oidc.client.clientId);
    ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId, grantId);
    return ctx.oidc.provider.Grant.find(grantId);
  },
});

// Bkmark's callback on any loopback origin and port (RFC 8252 §7.3 lets loopback ports vary): ./run.sh serves on
// localhost:7071, and every test host listens on a port of its own.
const { redirectUriAllowed } = provider.Client.prototype;
provider.Client.prototype.redirectUriAllowed = function allowLoopbackCallback(value) {
  const url = URL.parse(value);
  const loopbackCallback = url !== null && url.protocol === 'http:'
    && (url.hostname === '127.0.0.1' || url.hostname === 'localhost')
    && url.pathname === callbackPath && url.search === '' && url.hash === '';
  return loopbackCallback || redirectUriAllowed.call(this, value);
};

const server = provider.listen(port, '127.0.0.1', () => {
  console.log(`local-idp: ${issuer} (client ${clientId}); any email and password sign in`);
});

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => server.close(() => process.exit(0)));
}
