/**
 * Boundaries (DESIGN.md "Conventions"): apps may import libs, libs never import apps, apps never import each
 * other, and the domain libs stay pure: no Nest, no I/O packages, no adapters.
 */
const DOMAIN = '^libs/(rules|presence|notifications|backoff|retention)/';
const IO_PACKAGES =
  '(^|/)node_modules/(@nestjs|rxjs|express|pg|better-sqlite3|aedes|mqtt|mqtt-packet|rocketmq-client-nodejs|ali-ons|@nats-io)/' +
  '|^(node:)?(fs|net|http|https|dgram|child_process|worker_threads|crypto)$';

module.exports = {
  forbidden: [
    {
      name: 'libs-never-import-apps',
      severity: 'error',
      from: { path: '^libs/' },
      to: { path: '^apps/' },
    },
    {
      name: 'apps-never-import-other-apps',
      severity: 'error',
      from: { path: '^apps/([^/]+)/' },
      to: { path: '^apps/', pathNot: '^apps/$1/' },
    },
    {
      name: 'domain-libs-are-pure',
      comment: 'decide/evolve over plain data: no framework, no I/O, no clock or randomness sources',
      severity: 'error',
      from: { path: DOMAIN, pathNot: '\\.spec\\.ts$' },
      to: { path: IO_PACKAGES },
    },
    {
      name: 'domain-libs-use-no-adapters',
      severity: 'error',
      from: { path: DOMAIN },
      to: { path: '^libs/(event-store|event-archive|platform)/' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      from: { path: '^(apps|libs)/' },
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)dist/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['types', 'import', 'require', 'node', 'default'],
      extensions: ['.ts', '.js', '.mjs', '.json'],
    },
  },
};
