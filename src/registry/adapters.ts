/**
 * The registry flavours relpack speaks, one line each. A new flavour (GitHub Releases, a plain
 * HTTP mirror) is an adapter file implementing RegistryAdapter (types.ts), its name added to
 * RegistryFlavour, and one line here; core does not change, because it never asks which flavour
 * it talks to.
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
