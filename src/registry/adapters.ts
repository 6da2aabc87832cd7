/**
 * The registry flavours relpack speaks, one line each. A new flavour (GitHub Releases, a plain
 * HTTP mirror) is an adapter file implementing RegistryAdapter (types.ts), its name added to
 * RegistryFlavour, and one line here; core and operations do not change, because they never ask
 * which flavour they talk to. What does: how the flavour is detected and which settings and
 * credentials it takes from the environment (src/options/connection.ts, and version-store.ts for
 * where a version variable lives), which are configuration, not behaviour.
 */
import type { HttpClient } from '../http/client.js';
import { giteaAdapter } from './gitea.js';
import { gitlabAdapter } from './gitlab.js';
import type { AdapterFactory, RegistryAdapter, RegistryFlavour, RegistryTarget } from './types.js';

export const REGISTRY_ADAPTERS: Readonly<Record<RegistryFlavour, AdapterFactory>> = {
  gitlab: gitlabAdapter,
  gitea: giteaAdapter,
};

/** The adapter of `flavour` for `target`, talking through `http` (which carries the credential). */
export function createRegistry(flavour: RegistryFlavour, target: RegistryTarget, http: HttpClient): RegistryAdapter {
  return REGISTRY_ADAPTERS[flavour](target, http);
}
