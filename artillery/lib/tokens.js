// A token for each virtual user. With AUTH_SECRET (the server's own) tokens are signed here like the
// server signs them (HS256 JWT with sub, role, exp; docs/protocol.md "Auth"); without it the server must be in
// dev mode, and each token comes from GET /api/dev/token.
'use strict';

const { createHmac, randomUUID } = require('node:crypto');

/** Long enough for the longest long-form virtual user, short enough to be useless if a report leaks. */
const TOKEN_TTL_SECONDS = 6 * 3600;

function base64url(value) {
  return Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
}

/** An HS256 JWT for `sub` with `role`, signed with `secret`. */
function signToken(secret, sub, role, now = Date.now()) {
  const iat = Math.floor(now / 1000);
  const unsigned = `${base64url({ alg: 'HS256', typ: 'JWT' })}.${base64url({ sub, role, iat, exp: iat + TOKEN_TTL_SECONDS })}`;
  return `${unsigned}.${createHmac('sha256', secret).update(unsigned).digest('base64url')}`;
}

/** A user id of its own for each virtual user, so per-user limits (maxSeatsPerUser) apply per user. */
function newUserId(role) {
  return `load-${role}-${randomUUID()}`;
}

/** A token for a new user with `role` on the server at `base`. */
async function tokenFor(base, role) {
  const sub = newUserId(role);
  const secret = process.env.AUTH_SECRET;
  if (secret) return signToken(secret, sub, role);
  const response = await fetch(`${base}/api/dev/token?role=${role}&sub=${encodeURIComponent(sub)}`);
  if (response.status === 404) {
    throw new Error(`${base} is not in dev mode (no /api/dev/token): set AUTH_SECRET to the server's secret`);
  }
  if (!response.ok) throw new Error(`GET ${base}/api/dev/token answered ${response.status}`);
  const { token } = await response.json();
  return token;
}

module.exports = { signToken, tokenFor };
