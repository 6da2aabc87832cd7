/** Reads the local registry's state through its GitLab API with plain fetch (not relpack's client). */
import assert from 'node:assert/strict';

interface Server {
  url: string;
}

export async function apiJson<T = unknown>(server: Server, token: string, path: string): Promise<T> {
  const response = await fetch(`${server.url}/api/v4${path}`, { headers: { 'PRIVATE-TOKEN': token } });
  assert.equal(response.status, 200, `GET ${path}: ${response.status} ${await response.clone().text()}`);
  return (await response.json()) as T;
}

export interface PackageFileRow {
  id: number;
  package_id: number;
  file_name: string;
  size: number;
  file_sha256: string;
}

/** Every file row of name+version (duplicates included), in id order. */
export async function packageFiles(server: Server, token: string, name: string, version: string): Promise<PackageFileRow[]> {
  const packages = await apiJson<{ id: number; name: string; version: string }[]>(server, token, `/projects/1/packages?package_name=${name}&per_page=100`);
  const rows: PackageFileRow[] = [];
  for (const pkg of packages.filter((p) => p.name === name && p.version === version)) {
    for (let page = 1; ; page++) {
      const batch = await apiJson<PackageFileRow[]>(server, token, `/projects/1/packages/${pkg.id}/package_files?per_page=100&page=${page}`);
      rows.push(...batch);
      if (batch.length < 100) break;
    }
  }
  return rows.sort((a, b) => a.id - b.id);
}
