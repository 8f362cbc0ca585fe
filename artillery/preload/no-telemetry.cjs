// Loaded with `node --require` before Artillery. Artillery 2.0.21 sends telemetry through posthog-node
// even with ARTILLERY_DISABLE_TELEMETRY=1 (it then sends an anonymised event), and offline its retries
// add ~12 s to every run (docs/decisions.md). This answers `require('posthog-node')` with a
// client that sends nothing.
'use strict';

const Module = require('node:module');

/** Stands in for posthog-node's PostHog client: accepts events and drops them. */
class SilentPostHog {
  capture() {}
  async shutdownAsync() {}
  async shutdown() {}
}

const stub = { PostHog: SilentPostHog };
const load = Module._load;
Module._load = function loadWithoutPostHog(request, parent, isMain) {
  if (request === 'posthog-node') return stub;
  return load.call(this, request, parent, isMain);
};
process.env.ARTILLERY_DISABLE_TELEMETRY = '1';
