// The GitHub flavour: only the repository-variables REST API (docs.github.com/rest/actions/variables),
// mounted the way GitHub Enterprise Server mounts its API, so `GITHUB_API_URL=<server>/api/v3` works
// for clients that bump a version stored in a repository variable. Config section and journal namespace `github`.
import type { Flavour, FlavourInstance } from '../flavour.js';
import type { JournalRecord } from '../journal.js';
import type { RequestContext } from '../router.js';
import { resolveGithubConfig, type GithubConfig } from './config.js';
import { asRecord, GithubStore, type GithubRecord } from './store.js';
import { githubError, registerGithubRoutes } from './variables.js';

export type { GithubConfig, GithubConfigInput } from './config.js';

export const githubFlavour: Flavour<GithubConfig> = {
  key: 'github',
  resolveConfig: (raw) => resolveGithubConfig(raw),
  create(env, cfg): FlavourInstance {
    const store = new GithubStore();
    registerGithubRoutes(env.router, {
      cfg,
      store,
      async commit(r: GithubRecord) {
        await env.journal(asRecord(r));
        store.apply(r);
      },
    });
    return {
      apply: (r: JournalRecord) => store.apply(r as unknown as GithubRecord),
      snapshot: () => store.snapshot().map((r) => ({ ns: 'github', ...asRecord(r) }) as JournalRecord),
      liveBlobs: () => [],
      tokens: () => Object.fromEntries(cfg.tokens.map((t) => [t.name, t.value])),
      banner: (url) => [
        `GitHub variables API  ${url}/api/v3  (GITHUB_API_URL=${url}/api/v3)`,
        ...cfg.repos.map((r) => `  repo ${r}  ${url}/api/v3/repos/${r}/actions/variables`),
        '  tokens (Authorization: Bearer <value>):',
        ...cfg.tokens.map((t) => `    ${t.name.padEnd(14)} ${t.value}  ${t.type === 'actions' ? `Actions GITHUB_TOKEN of ${t.repo} (no variables access)` : `variables: ${t.variables}`}`),
      ],
      notFound: async (ctx: RequestContext) => {
        if (ctx.rawPath !== '/api/v3' && !ctx.rawPath.startsWith('/api/v3/')) return false;
        await githubError(ctx, 404, 'Not Found');
        return true;
      },
    };
  },
};
