// Where the scenarios go: AISLE_URL (else the script's config.target, else the default) names the
// server's HTTP base; the WebSocket is the same host at /ws. AISLE_EVENT names the event.
'use strict';

/** docs/protocol.md: PORT 9001 and HOST 127.0.0.1 are the server's defaults. */
const DEFAULT_URL = 'http://127.0.0.1:9001';
/** The event `npm start` creates on a fresh database (src/demo-event.ts). */
const DEFAULT_EVENT = 'demo';

/** The server's HTTP base (no trailing slash); accepts http(s) or ws(s) URLs, with or without /ws. */
function httpBase(configTarget) {
  const url = new URL(process.env.AISLE_URL || configTarget || DEFAULT_URL);
  if (url.protocol === 'ws:') url.protocol = 'http:';
  if (url.protocol === 'wss:') url.protocol = 'https:';
  const path = url.pathname.replace(/\/+$/, '').replace(/\/ws$/, '');
  return `${url.protocol}//${url.host}${path}`;
}

/** The WebSocket URL for `base`, with `?token=` when a token is given. */
function wsUrl(base, token) {
  const url = new URL(`${base}/ws`);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  if (token) url.searchParams.set('token', token);
  return url.toString();
}

/** The event every scenario drives. */
function eventId() {
  return process.env.AISLE_EVENT || DEFAULT_EVENT;
}

module.exports = { httpBase, wsUrl, eventId, DEFAULT_URL };
