/**
 * The two registry flavours as the shared CLI suite sees them: how to point relpack at each, and
 * how to read and write the registry behind relpack's back with plain fetch.
 */
import assert from 'node:assert/strict';
import type { RunningServer } from '../../src/server/index.js';
import { packageFiles } from './gitlab.js';

export interface Flavour {
  name: 'gitlab' | 'gitea';
  /** Environment for a token that may publish and delete. */
  writer(server: RunningServer, extra?: Record<string, string>): Record<string, string>;
  /** Stored rows of a version: decoded name and SHA-256 (GitLab duplicates included). */
  rows(server: RunningServer, name: string, version: string): Promise<{ name: string; sha256: string }[]>;
  /** Uploads bytes under a stored name, as another tool would. */
  rawPut(server: RunningServer, name: string, version: string, storedName: string, body: string): Promise<number>;
  /** Route id prefix for faults. */
  routes: { upload: string; download: string };
  redirectStatus: number;
}

export const gitlab: Flavour = {
  name: 'gitlab',
  writer: (server, extra = {}) => ({ RELPACK_URL: server.url, RELPACK_PROJECT: '1', RELPACK_TOKEN: server.tokens.maintainer, ...extra }),
  rows: async (server, name, version) =>
    (await packageFiles(server, server.tokens.maintainer, name, version)).map((r) => ({ name: decodeURIComponent(r.file_name), sha256: r.file_sha256 })),
  rawPut: async (server, name, version, storedName, body) =>
    (await fetch(`${server.url}/api/v4/projects/1/packages/generic/${name}/${version}/${storedName}`, { method: 'PUT', headers: { 'PRIVATE-TOKEN': server.tokens.maintainer }, body })).status,
  routes: { upload: 'gitlab.upload', download: 'gitlab.download' },
  redirectStatus: 302,
};

export const gitea: Flavour = {
  name: 'gitea',
  writer: (server, extra = {}) => ({ RELPACK_URL: server.url, RELPACK_REGISTRY: 'gitea', RELPACK_OWNER: 'demo', RELPACK_TOKEN: server.tokens.giteaOwner, ...extra }),
  rows: async (server, name, version) => {
    const response = await fetch(`${server.url}/api/v1/packages/demo/generic/${name}/${version}/files`, { headers: { Authorization: `token ${server.tokens.giteaOwner}` } });
    if (response.status === 404) return [];
    assert.equal(response.status, 200);
    const files = (await response.json()) as { name: string; sha256: string }[];
    return files.map((f) => ({ name: f.name.replace(/%(25|2F)/gi, (m) => (m === '%25' ? '%' : '/')), sha256: f.sha256 }));
  },
  rawPut: async (server, name, version, storedName, body) =>
    (await fetch(`${server.url}/api/packages/demo/generic/${name}/${version}/${encodeURIComponent(storedName)}`, { method: 'PUT', headers: { Authorization: `token ${server.tokens.giteaOwner}` }, body })).status,
  routes: { upload: 'gitea.upload', download: 'gitea.download' },
  redirectStatus: 303,
};

export const flavours = [gitlab, gitea];
