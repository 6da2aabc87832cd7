// The GitLab flavour: config section `gitlab:`, routes under /api/v4, journal namespace `gitlab`.
import type { Flavour, FlavourInstance } from '../flavour.js';
import type { JournalRecord } from '../journal.js';
import type { RequestContext } from '../router.js';
import { GitlabAuth } from './auth.js';
import { resolveGitlabConfig, type GitlabConfig } from './config.js';
import type { GitlabContext } from './context.js';
import { registerPackageRoutes, routeNotFound } from './packages.js';
import { registerProjectRoutes } from './project.js';
import { registerReleaseRoutes } from './releases.js';
import { asRecord, GitlabStore, type GitlabRecord } from './store.js';
import { registerVariableRoutes } from './variables.js';

export const gitlabFlavour: Flavour<GitlabConfig> = {
  key: 'gitlab',
  resolveConfig: (raw) => resolveGitlabConfig(raw),
  create(env, cfg): FlavourInstance {
    const store = new GitlabStore();
    const downloaded = new Map<number, string>();
    let flushTimer: NodeJS.Timeout | null = null;
    const flushDownloads = async () => {
      flushTimer = null;
      const batch = [...downloaded];
      downloaded.clear();
      await Promise.all(batch.map(([id, at]) => env.journal(asRecord({ op: 'package.update', id, lastDownloadedAt: at }))))
        .catch((e) => env.log(`journal: ${(e as Error).message}`));
    };
    const g: GitlabContext = {
      cfg,
      auth: new GitlabAuth(cfg),
      store,
      env,
      pendingFiles: new Set(),
      async commit(r: GitlabRecord) {
        await env.journal(asRecord(r));
        store.apply(r);
      },
      applyThenCommit(r: GitlabRecord) {
        store.apply(r);
        return env.journal(asRecord(r));
      },
      touchDownloaded(id: number, at: string) {
        store.apply({ op: 'package.update', id, lastDownloadedAt: at });
        downloaded.set(id, at);
        flushTimer ??= setTimeout(() => void flushDownloads(), 1000).unref();
      },
    };
    registerProjectRoutes(env.router, g);
    registerPackageRoutes(env.router, g);
    registerVariableRoutes(env.router, g);
    registerReleaseRoutes(env.router, g);
    return {
      apply: (r: JournalRecord) => store.apply(r as unknown as GitlabRecord),
      snapshot: () => store.snapshot().map((r) => ({ ns: 'gitlab', ...asRecord(r) }) as JournalRecord),
      liveBlobs: () => store.liveBlobs(),
      tokens: () => Object.fromEntries(cfg.tokens.map((t) => [t.name, t.value])),
      banner: (url) => [
        `GitLab API  ${url}/api/v4`,
        ...cfg.projects.map((p) => `  project ${p.id}  ${p.path} (${p.visibility})  packages: ${url}/api/v4/projects/${p.id}/packages/generic/<name>/<version>/<file>`),
        '  tokens:',
        ...cfg.tokens.map((t) => `    ${t.name.padEnd(12)} ${t.value.padEnd(24)} ${describeToken(cfg, t)}`),
      ],
      close: async () => {
        if (flushTimer) clearTimeout(flushTimer);
        await flushDownloads();
      },
      notFound: async (ctx: RequestContext) => {
        if (!ctx.rawPath.startsWith('/api/v4/')) return false;
        await routeNotFound(ctx);
        return true;
      },
    };
  },
};

function describeToken(cfg: GitlabConfig, t: GitlabConfig['tokens'][number]): string {
  if (t.type === 'personal') {
    const roles = cfg.projects.map((p) => p.members[t.user]).filter(Boolean);
    return `PRIVATE-TOKEN  user ${t.user}${roles.length ? ` (${[...new Set(roles)].join(', ')})` : ' (no membership)'}, scopes ${t.scopes.join(',')}`;
  }
  if (t.type === 'job') return `JOB-TOKEN      project ${t.project}, triggered by ${t.user}`;
  return `DEPLOY-TOKEN   project ${t.project}, ${t.scopes.join(',')}`;
}
