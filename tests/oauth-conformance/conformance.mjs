// Coffer's OAuth 2.0 authorization server, driven by an independent client library (oauth4webapi, which is strict
// about RFC 6749, 7009, 7636, 7662, 8414 and 9207). Every OAuth step uses only oauth4webapi's API; the one step that is
// a person's (consent, with a TOTP step-up) uses plain fetch against Coffer's consent API, as the web app's page does.
//
// Run by tests/Coffer.Server.Tests/OAuth/OAuth4WebApiConformanceTests.cs, which starts the server, signs a user up,
// registers the two apps and sets the environment below. Prints `ok <step>` per step; on the first failure prints
// `FAIL <step>: <why>` and exits with 1.
//
// Environment:
//   COFFER_ISSUER                      the expected issuer, https://localhost:<port> (discovery must name exactly it)
//   COFFER_SESSION                     a sign-in session token of the consenting user (Bearer)
//   COFFER_TOTP_SEED                   that user's TOTP seed, base32
//   COFFER_TOTP_TIME                   optional: the server clock's Unix time in seconds for the step-up code (the
//                                      test server runs on a manual clock); real time when unset
//   COFFER_PUBLIC_CLIENT_ID            a public app allowed COFFER_REDIRECT_URI and the scope portfolio:read
//   COFFER_REDIRECT_URI
//   COFFER_CONFIDENTIAL_CLIENT_ID      a confidential app allowed the scope portfolio:read
//   COFFER_CONFIDENTIAL_CLIENT_SECRET
//   NODE_EXTRA_CA_CERTS                Coffer's self-signed certificate (read by Node itself at start)

import { createHmac } from 'node:crypto';
import dns from 'node:dns';
import process from 'node:process';
import * as oauth from 'oauth4webapi';

// The issuer names localhost; the test server listens on 127.0.0.1 only, and Node may try ::1 first.
dns.setDefaultResultOrder('ipv4first');

const scope = 'portfolio:read';

function env(name) {
  const value = process.env[name];
  if (!value) {
    throw new Error(`environment variable ${name} is not set`);
  }
  return value;
}

/** RFC 4648 base32 (no padding required, case-insensitive) to bytes. */
function base32(text) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0;
  let value = 0;
  const out = [];
  for (const c of text.replace(/=+$/, '').toUpperCase()) {
    const index = alphabet.indexOf(c);
    if (index < 0) {
      throw new Error(`COFFER_TOTP_SEED is not base32 (character ${JSON.stringify(c)})`);
    }
    value = (value << 5) | index;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

/** RFC 6238 TOTP: HMAC-SHA1, 30-second steps from the Unix epoch, 6 digits (RFC 4226 §5.3 dynamic truncation). */
function totp(seed, unixSeconds) {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(unixSeconds / 30)));
  const mac = createHmac('sha1', seed).update(counter).digest();
  const offset = mac[mac.length - 1] & 0x0f;
  const binary = mac.readUInt32BE(offset) & 0x7fffffff;
  return String(binary % 1_000_000).padStart(6, '0');
}

let current = 'setup';

/** Runs one step; a thrown error ends the script with the step's name and the reason. */
async function step(name, body) {
  current = name;
  const result = await body();
  console.log(`ok ${name}`);
  return result;
}

function check(condition, message) {
  if (!condition) {
    throw new Error(message);
  }
}

/** Fails unless the response has the status; the body is read only then (a body can be read once). */
async function expectStatus(response, status, what) {
  if (response.status !== status) {
    throw new Error(`${what} answered ${response.status}, not ${status}: ${await response.text()}`);
  }
}

/** Why oauth4webapi (or anything else) rejected something, with the server's OAuth error when there is one. */
async function describe(error) {
  if (error instanceof oauth.WWWAuthenticateChallengeError) {
    // oauth4webapi stops at the challenge (RFC 6749 §5.2: 401 with WWW-Authenticate for a failed client authentication)
    // and leaves the body unread.
    const body = await error.response.text().catch(() => '');
    return `${error.message}: HTTP ${error.status} ${JSON.stringify(error.cause)} ${body}`;
  }
  if (error instanceof oauth.ResponseBodyError) {
    return `${error.message}: HTTP ${error.status} ${error.error}${error.error_description ? ` (${error.error_description})` : ''}`;
  }
  if (error instanceof oauth.AuthorizationResponseError) {
    return `${error.message}: ${error.error}${error.error_description ? ` (${error.error_description})` : ''}`;
  }
  if (error instanceof oauth.OperationProcessingError || error instanceof oauth.UnsupportedOperationError) {
    const cause = error.cause instanceof Response ? ` (HTTP ${error.cause.status})` : '';
    return `oauth4webapi rejected the server's answer: ${error.message} [${error.code}]${cause}`;
  }
  const cause = error?.cause ? ` (cause: ${error.cause.message ?? error.cause})` : '';
  return `${error?.stack ?? error}${cause}`;
}

/** Expects the token endpoint to refuse a refresh token with invalid_grant (RFC 6749 §5.2), as oauth4webapi reports it. */
async function expectInvalidGrant(as, client, refreshToken, what) {
  const response = await oauth.refreshTokenGrantRequest(as, client, oauth.None(), refreshToken);
  try {
    await oauth.processRefreshTokenResponse(as, client, response);
  } catch (error) {
    if (error instanceof oauth.ResponseBodyError && error.error === 'invalid_grant') {
      return;
    }
    throw new Error(`${what}: expected invalid_grant, got ${await describe(error)}`);
  }
  throw new Error(`${what}: the server issued tokens for it`);
}

/** GET /api/v1/tokens/self with a token; returns the HTTP status and the JSON body (if any). */
async function self(as, accessToken) {
  const response = await fetch(new URL('/api/v1/tokens/self', as.issuer), {
    headers: { authorization: `Bearer ${accessToken}` },
  });
  const text = await response.text();
  return { status: response.status, body: text && response.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text };
}

async function main() {
  const issuer = new URL(env('COFFER_ISSUER'));
  const session = env('COFFER_SESSION');
  const seed = base32(env('COFFER_TOTP_SEED'));
  const totpTime = process.env.COFFER_TOTP_TIME ? Number(process.env.COFFER_TOTP_TIME) : Date.now() / 1000;
  const redirectUri = env('COFFER_REDIRECT_URI');
  const publicClient = { client_id: env('COFFER_PUBLIC_CLIENT_ID') };
  const confidentialClient = { client_id: env('COFFER_CONFIDENTIAL_CLIENT_ID') };
  const secret = env('COFFER_CONFIDENTIAL_CLIENT_SECRET');

  // RFC 8414: /.well-known/oauth-authorization-server; oauth4webapi checks that the document's issuer is exactly ours.
  const as = await step('discovery', async () => {
    const response = await oauth.discoveryRequest(issuer, { algorithm: 'oauth2' });
    const metadata = await oauth.processDiscoveryResponse(issuer, response);
    for (const endpoint of ['authorization_endpoint', 'token_endpoint', 'revocation_endpoint', 'introspection_endpoint']) {
      check(typeof metadata[endpoint] === 'string', `the metadata has no ${endpoint}`);
    }
    check(metadata.code_challenge_methods_supported?.includes('S256'), 'the metadata does not list PKCE S256');
    check(metadata.authorization_response_iss_parameter_supported === true, 'the metadata does not announce iss in authorization responses (RFC 9207)');
    return metadata;
  });

  // Authorization code with PKCE (RFC 7636) for the public client; the consent is the person's part.
  const first = await step('authorization code with PKCE', async () => {
    const verifier = oauth.generateRandomCodeVerifier();
    const challenge = await oauth.calculatePKCECodeChallenge(verifier);
    const state = oauth.generateRandomState();
    const authorize = new URL(as.authorization_endpoint);
    authorize.searchParams.set('response_type', 'code');
    authorize.searchParams.set('client_id', publicClient.client_id);
    authorize.searchParams.set('redirect_uri', redirectUri);
    authorize.searchParams.set('scope', scope);
    authorize.searchParams.set('state', state);
    authorize.searchParams.set('code_challenge', challenge);
    authorize.searchParams.set('code_challenge_method', 'S256');

    // The browser's part: the authorization endpoint sends it to the consent page.
    const redirect = await fetch(authorize, { redirect: 'manual' });
    await expectStatus(redirect, 302, 'GET authorize');
    const consent = new URL(redirect.headers.get('location') ?? '', as.issuer);
    const match = /^\/consent\/([^/]+)$/.exec(consent.pathname);
    check(consent.origin === issuer.origin && match, `GET authorize redirected to ${consent}, not to the consent page`);
    const requestId = match[1];

    // The consent page's part: show the request, approve it with a TOTP step-up.
    const headers = { authorization: `Bearer ${session}` };
    const shown = await fetch(new URL(`/api/v1/oauth/requests/${requestId}`, as.issuer), { headers });
    await expectStatus(shown, 200, 'GET the consent request');
    const request = await shown.json();
    check(request.app?.client_id === publicClient.client_id, `the consent request names client ${request.app?.client_id}`);
    const approved = await fetch(new URL(`/api/v1/oauth/requests/${requestId}/approve`, as.issuer), {
      method: 'POST',
      headers: { ...headers, 'coffer-step-up': `totp=${totp(seed, totpTime)}` },
    });
    await expectStatus(approved, 200, 'POST approve');
    const { redirect_to: redirectTo } = await approved.json();

    // Back at the client: oauth4webapi checks state and iss (RFC 9207) and takes the code.
    const callback = oauth.validateAuthResponse(as, publicClient, new URL(redirectTo), state);
    const response = await oauth.authorizationCodeGrantRequest(as, publicClient, oauth.None(), callback, redirectUri, verifier);
    const tokens = await oauth.processAuthorizationCodeResponse(as, publicClient, response);
    check(tokens.token_type === 'bearer', `token_type is ${tokens.token_type}`);
    check(typeof tokens.refresh_token === 'string', 'no refresh token was issued');
    const me = await self(as, tokens.access_token);
    check(me.status === 200, `GET /api/v1/tokens/self with the access token answered ${me.status}: ${JSON.stringify(me.body)}`);
    check(me.body.kind === 'oauth', `the access token is of kind ${me.body.kind}, not oauth`);
    return tokens;
  });

  // RFC 6749 §6 with rotation: a new refresh token, and the new access token works.
  const second = await step('refresh with rotation', async () => {
    const response = await oauth.refreshTokenGrantRequest(as, publicClient, oauth.None(), first.refresh_token);
    const tokens = await oauth.processRefreshTokenResponse(as, publicClient, response);
    check(typeof tokens.refresh_token === 'string', 'the refresh did not issue a new refresh token');
    check(tokens.refresh_token !== first.refresh_token, 'the refresh token was not rotated');
    check(tokens.access_token !== first.access_token, 'the refresh returned the same access token');
    const me = await self(as, tokens.access_token);
    check(me.status === 200 && me.body.kind === 'oauth', `the refreshed access token does not work: ${me.status} ${JSON.stringify(me.body)}`);
    return tokens;
  });

  // Reuse of a rotated refresh token (RFC 9700 §4.14.2): refused, and the whole family with it.
  await step('refresh token reuse detection', async () => {
    await expectInvalidGrant(as, publicClient, first.refresh_token, 'the rotated (old) refresh token');
    await expectInvalidGrant(as, publicClient, second.refresh_token, 'the newest refresh token after the reuse');
    const me = await self(as, second.access_token);
    check(me.status === 401, `the newest access token still works after the reuse (GET /api/v1/tokens/self answered ${me.status})`);
  });

  // RFC 6749 §4.4 for the confidential client (HTTP Basic): an access token, no refresh token (§4.4.3).
  const machine = await step('client credentials', async () => {
    const response = await oauth.clientCredentialsGrantRequest(as, confidentialClient, oauth.ClientSecretBasic(secret), { scope });
    const tokens = await oauth.processClientCredentialsResponse(as, confidentialClient, response);
    check(tokens.refresh_token === undefined, 'client credentials issued a refresh token');
    const me = await self(as, tokens.access_token);
    check(me.status === 200 && me.body.kind === 'oauth', `the client-credentials access token does not work: ${me.status} ${JSON.stringify(me.body)}`);
    return tokens;
  });

  // RFC 7662, then RFC 7009, then RFC 7662 again (client_secret_post this time).
  await step('introspection and revocation', async () => {
    const auth = oauth.ClientSecretPost(secret);
    const live = await oauth.processIntrospectionResponse(
      as, confidentialClient, await oauth.introspectionRequest(as, confidentialClient, auth, machine.access_token));
    check(live.active === true, `introspection of a live token said ${JSON.stringify(live)}`);
    check(live.client_id === confidentialClient.client_id, `introspection names client ${live.client_id}`);
    check(live.iss === as.issuer, `introspection names issuer ${live.iss}`);
    check(live.scope === scope, `introspection names scope ${live.scope}`);

    await oauth.processRevocationResponse(await oauth.revocationRequest(as, confidentialClient, auth, machine.access_token));
    const dead = await oauth.processIntrospectionResponse(
      as, confidentialClient, await oauth.introspectionRequest(as, confidentialClient, auth, machine.access_token));
    check(dead.active === false, `introspection of a revoked token said ${JSON.stringify(dead)}`);
    const me = await self(as, machine.access_token);
    check(me.status === 401, `the revoked access token still works (GET /api/v1/tokens/self answered ${me.status})`);
  });

  // RFC 7009 §2.2: an invalid token is not an error.
  await step('revocation of an unknown token', async () => {
    const unknown = `cof_oauth_${oauth.generateRandomState()}`;
    await oauth.processRevocationResponse(
      await oauth.revocationRequest(as, confidentialClient, oauth.ClientSecretBasic(secret), unknown));
    await oauth.processRevocationResponse(await oauth.revocationRequest(as, publicClient, oauth.None(), unknown));
  });
}

try {
  await main();
  console.log('all steps passed');
} catch (error) {
  console.log(`FAIL ${current}: ${await describe(error)}`);
  process.exitCode = 1;
}
