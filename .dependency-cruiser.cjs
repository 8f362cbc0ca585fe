// The layer guard run by `npm test` (npm run depcheck): no import cycle anywhere in src/ and protocol/,
// and no production module importing from a layer above its own. Layers, bottom up (a module may
// import from its own layer and the layers below it; docs/architecture.md explains each):
//   0  protocol/ (wire contract and client SDK), src/domain/ (pure seat core), src/observability/ (metrics)
//   1  src/store/ (Postgres, PGlite), src/web/ (browser pages), src/config/ (environment, read once)
//   2  src/actor/ (one writer per event)
//   3  src/gateway/ (HTTP and WebSocket edge), src/jobs/ (webhooks, outbox, schedules)
//   4  src/cluster/ (ring, leases, forwarding, edges)
//   5  src/*.ts: src/main.ts, the only composition root, and the demo event it creates
// Tests (*.test.ts), contract suites (*.contract.ts) and test support may reach across layers to build
// what they test, but take part in the cycle check like everything else.
'use strict';

/** Folders (or files) of each layer, bottom up, as path regex fragments. */
const LAYERS = [
  ['protocol/', 'src/domain/', 'src/observability/'],
  ['src/store/', 'src/web/', 'src/config/'],
  ['src/actor/'],
  ['src/gateway/', 'src/jobs/'],
  ['src/cluster/'],
  ['src/[^/]+\\.ts$'],
];

/** Test code: may import across layers. */
const TESTS = '(\\.test\\.ts|\\.contract\\.ts|test-support\\.ts|test-scenario\\.ts)$';

const alternatives = (paths) => `^(${paths.join('|')})`;

const layerRules = LAYERS.slice(0, -1).map((layer, i) => ({
  name: `layer-${i}`,
  comment: `${layer.join(', ')} may import only from layer ${i} and below`,
  severity: 'error',
  from: { path: alternatives(layer), pathNot: TESTS },
  to: { path: alternatives(LAYERS.slice(i + 1).flat()) },
}));

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'an import cycle (type-only imports included): split the shared part into its own module',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    ...layerRules,
    {
      name: 'domain-is-pure',
      comment: 'src/domain is pure: no I/O, no packages, nothing but itself (time comes in as an argument)',
      severity: 'error',
      from: { path: '^src/domain/', pathNot: TESTS },
      to: { pathNot: '^src/domain/' },
    },
    {
      name: 'protocol-stands-alone',
      comment: 'protocol/ is the client SDK and wire contract: it never imports the server or Node built-ins',
      severity: 'error',
      from: { path: '^protocol/', pathNot: TESTS },
      to: { path: '^(src|test)/' },
    },
    {
      name: 'protocol-no-node-builtins',
      comment: 'protocol/ runs in browsers: no Node built-in modules',
      severity: 'error',
      from: { path: '^protocol/', pathNot: TESTS },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'uws-through-one-module',
      comment: 'uWebSockets.js (either build) is loaded, and its types imported, only through src/gateway/native-uws.ts, which picks the build that runs here',
      severity: 'error',
      from: { pathNot: '^src/gateway/native-uws\\.ts$' },
      to: { path: 'node_modules/(uWebSockets\\.js|@btc-vision/uwebsockets\\.js)/' },
    },
    {
      name: 'not-to-unresolvable',
      comment: 'an import that resolves to nothing',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    exclude: { path: '^(src/web/dist|test|bench)/' },
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      mainFields: ['module', 'main', 'types', 'typings'],
    },
    skipAnalysisNotInRules: true,
  },
};
