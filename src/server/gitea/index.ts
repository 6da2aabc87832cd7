// The Gitea/Forgejo flavour: config section `gitea:`, routes under /api/packages and /api/v1,
// journal namespace `gitea`. Which server and version it imitates is config (gitea.server,
// gitea.version); see docs/serve-gitea.md.
import type { Flavour, FlavourInstance } from '../flavour.js';
import type { JournalRecord } from '../journal.js';
import type { RequestContext } from '../router.js';
import { registerApiRoutes } from './api.js';
import { GiteaAuth } from './auth.js';
import { resolveGiteaConfig, type GiteaConfig, type GiteaToken } from './config.js';
import { keyedLock, type GiteaContext } from './context.js';
import { apiNotFound, plain } from './errors.js';
import { registerPackageRoutes } from './packages.js';
import { registerReleaseRoutes } from './releases.js';
import { asRecord, GiteaStore, type GiteaRecord } from './store.js';
import { registerVariableRoutes } from './variables.js';
import { registerWebRoutes } from './web.js';

export type { GiteaConfig, GiteaConfigInput } from './config.js';

export const giteaFlavour: Flavour<GiteaConfig> = {
  key: 'gitea',
  resolveConfig: (raw) => resolveGiteaConfig(raw),
  create(env, cfg): FlavourInstance {
    const store = new GiteaStore();
    const g: GiteaContext = {
      cfg,
      auth: new GiteaAuth(cfg),
      store,
      env,
      lock: keyedLock(),
      async commit(r: GiteaRecord) {
        await env.journal(asRecord(r));
        store.apply(r);
      },
    };
    registerPackageRoutes(env.router, g);
    registerApiRoutes(env.router, g);
    registerVariableRoutes(env.router, g);
    registerReleaseRoutes(env.router, g);
    registerWebRoutes(env.router, g);
    const label = cfg.server === 'forgejo' ? 'Forgejo' : 'Gitea';
    return {
      apply: (r: JournalRecord) => store.apply(r as unknown as GiteaRecord),
      snapshot: () => store.snapshot().map((r) => ({ ns: 'gitea', ...asRecord(r) }) as JournalRecord),
      liveBlobs: () => store.liveBlobs(),
      tokens: () => Object.fromEntries(cfg.tokens.map((t) => [t.name, t.value])),
      banner: (url) => [
        `${label} ${cfg.version} API  ${url}/api/v1  (GITHUB_API_URL=${url}/api/v1)`,
        `  packages: ${url}/api/packages/<owner>/generic/<name>/<version>/<file>`,
        ...cfg.users.map((u) => `  user ${u.name} (${u.visibility}${u.admin ? ', site admin' : ''})  password ${u.password}`),
        ...cfg.orgs.map((o) => `  org ${o.name} (${o.visibility})  ${Object.entries(o.members).map(([m, r]) => `${m}:${r}`).join(' ')}`),
        ...cfg.repos.map((r) => `  repo ${r.fullName}`),
        '  tokens (Authorization: token <value>):',
        ...cfg.tokens.map((t) => `    ${t.name.padEnd(12)} ${t.value}  ${describeToken(t)}`),
      ],
      notFound: async (ctx: RequestContext) => {
        if (ctx.rawPath.startsWith('/api/packages/')) {
          await plain(ctx, 404, '404 page not found\n');
          return true;
        }
        if (ctx.rawPath === '/api/v1' || ctx.rawPath.startsWith('/api/v1/')) {
          await apiNotFound(ctx);
          return true;
        }
        return false;
      },
    };
  },
};

function describeToken(t: GiteaToken): string {
  return t.type === 'actions' ? `Actions job token of ${t.repo} (read-only for packages, writes its repo's releases)` : `PAT of ${t.user}, scopes ${t.scopes.join(',')}`;
}
