/**
 * A registry adapter with every call that compares or keys a file name counted: how the scale
 * tests prove that planning and lookups stay linear in the number of files.
 */
import { HttpClient } from '../../src/http/client.js';
import { createRegistry } from '../../src/registry/adapters.js';
import type { RegistryAdapter, RegistryFlavour } from '../../src/registry/types.js';

/** The flavour's adapter, with every call that compares or keys a file name counted. */
export function countingAdapter(flavour: RegistryFlavour, url: string, token: string): { registry: RegistryAdapter; comparisons: () => number } {
  const gitlab = flavour === 'gitlab';
  const http = new HttpClient({ credentials: gitlab ? { 'PRIVATE-TOKEN': token } : { Authorization: `token ${token}` } });
  const real = createRegistry(flavour, { url, project: '1', owner: 'demo', credential: 'a test token', jobToken: false, anonymous: false }, http);
  let count = 0;
  const registry = new Proxy(real, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (property !== 'sameFileName' && property !== 'normalizeFileName') return typeof value === 'function' ? value.bind(target) : value;
      return (...args: unknown[]) => {
        count++;
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { registry, comparisons: () => count };
}
