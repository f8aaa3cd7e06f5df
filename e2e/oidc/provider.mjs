// oidc-provider on 127.0.0.1, for e2e/oidc-oracle.sh: discovery, a JWKS that rotates,
// the client credentials grant with at+jwt access tokens for the `resources` audience, and
// refresh tokens (authorization code logins through its development interactions, rotated
// on every use).
//
// Prints one JSON line ({"issuer": ...}) once listening, then reads commands on stdin, one a
// line, answering each with one JSON line:
//   rotate   a new signing key goes first in the JWKS; the old ones stay published
//   count    how many token requests arrived so far
// It exits when stdin closes.
import Provider from 'oidc-provider';
import crypto from 'node:crypto';
import http from 'node:http';
import readline from 'node:readline';

let serial = 0;
function signingKey() {
  serial += 1;
  const { privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { ...privateKey.export({ format: 'jwk' }), kid: `key-${serial}`, alg: 'RS256', use: 'sig' };
}

const keys = [signingKey()];
let tokenRequests = 0;
const server = http.createServer();
// The port the spec's tokenUrl names (e2e/specs/oidc.yaml), or any.
await new Promise((resolve) => server.listen(Number(process.argv[2] ?? 0), '127.0.0.1', resolve));
const issuer = `http://127.0.0.1:${server.address().port}`;

function provider() {
  const built = new Provider(issuer, {
    clients: [
      {
        client_id: 'app',
        client_secret: 'app-secret',
        grant_types: ['client_credentials'],
        redirect_uris: [],
        response_types: [],
        token_endpoint_auth_method: 'client_secret_basic',
      },
      {
        client_id: 'app-post',
        client_secret: 'app-post-secret',
        grant_types: ['client_credentials'],
        redirect_uris: [],
        response_types: [],
        token_endpoint_auth_method: 'client_secret_post',
      },
      {
        client_id: 'web',
        client_secret: 'web-secret',
        grant_types: ['authorization_code', 'refresh_token'],
        redirect_uris: ['http://127.0.0.1/callback'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_basic',
      },
    ],
    jwks: { keys },
    scopes: ['openid', 'offline_access', 'profile'],
    features: {
      clientCredentials: { enabled: true },
      devInteractions: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => 'urn:resources',
        useGrantedResource: () => true,
        getResourceServerInfo: () => ({
          scope: 'profile',
          audience: 'resources',
          accessTokenFormat: 'jwt',
          accessTokenTTL: 300,
          jwt: { sign: { alg: 'RS256' } },
        }),
      },
    },
    // Every login may be refreshed, and every refresh token is spent on use.
    issueRefreshToken: () => true,
    rotateRefreshToken: () => true,
    pkce: { required: () => false },
  });
  return built;
}

let current = provider();
server.on('request', (request, response) => {
  if (request.method === 'POST' && request.url.startsWith('/token')) tokenRequests += 1;
  current.callback()(request, response);
});
console.log(JSON.stringify({ issuer }));

const commands = readline.createInterface({ input: process.stdin });
commands.on('line', (line) => {
  const command = line.trim();
  if (command === 'rotate') {
    keys.unshift(signingKey());
    current = provider();
    console.log(JSON.stringify({ rotated: keys[0].kid, published: keys.map((key) => key.kid) }));
  } else if (command === 'count') {
    console.log(JSON.stringify({ token_requests: tokenRequests }));
  } else {
    console.log(JSON.stringify({ error: `unknown command ${command}` }));
  }
});
commands.on('close', () => server.close(() => process.exit(0)));
