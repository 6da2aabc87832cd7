// Registered registry flavours, in routing order. A new flavour (e.g. `gitea`) adds itself here.
import type { Flavour } from './flavour.js';
import { gitlabFlavour } from './gitlab/index.js';
import { giteaFlavour } from './gitea/index.js';
import { githubFlavour } from './github/index.js';

export const flavours: Flavour[] = [gitlabFlavour, giteaFlavour, githubFlavour];

/** Top-level config keys reserved for flavours that are not implemented yet (accepted, ignored). */
export const reservedSections: string[] = [];
