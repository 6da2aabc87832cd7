/**
 * The release page of a tag, where each published file of a version gets a link: GitLab's Releases
 * API with asset links (GitLab `lib/api/releases.rb`, `lib/api/release/links.rb`), Gitea's and
 * Forgejo's releases with attachments (Gitea `routers/api/v1/repo/release.go`,
 * `release_attachment.go`). One small interface per platform; core links a version through it and
 * never asks which platform it talks to.
 */
import type { RegistryFlavour } from '../types.js';

export interface ReleaseLink {
  /** The platform's id of the link (GitLab) or attachment (Gitea). */
  id: number;
  name: string;
  /** Where the link points: for relpack's links, a file's generic-package download URL. */
  url: string;
  /** GitLab: the permanent path under `…/-/releases/TAG/downloads` (`/bin/app`), when it has one. */
  directAssetPath?: string;
  /** GitLab: the permanent URL that path gives. */
  directAssetUrl?: string;
  /** Made otherwise than relpack makes its links now (GitLab: a `link_type` other than package). */
  outdated?: boolean;
}

export interface Release {
  /** Gitea's release id; GitLab addresses a release by its tag. */
  id?: number;
  tag: string;
  name: string;
  description: string;
  links: ReleaseLink[];
  /** The release's web page. */
  webUrl?: string;
}

/** A link as relpack wants it on the release. */
export interface LinkSpec {
  name: string;
  url: string;
  directAssetPath?: string;
}

/** What the platform makes of a file's path as a permanent asset path. */
export interface AssetPath {
  /** The path to ask for, `/`-prefixed; undefined when no valid path can be made from the file's. */
  path?: string;
  /** Said when the path is not the file's own: why, and what was taken instead (or that there is none). */
  note?: string;
}

export interface ReleaseFields {
  name: string;
  description: string;
}

export interface ReleaseStore {
  readonly platform: RegistryFlavour;
  /** "GitLab release v1.4.2 of project group/app", for messages. */
  describe(tag: string): string;
  /** The permanent asset path for a file, where the platform has them (GitLab); undefined elsewhere. */
  assetPath?(fileName: string): AssetPath;
  /**
   * Fails, changing nothing, when the credential cannot create or update the release of `tag` (of
   * any tag, when undefined): the check a publish with `--release` makes before it sends any file.
   */
  checkWrite(tag: string | undefined): Promise<void>;
  /** The release of `tag` with its links, or undefined when there is none. */
  read(tag: string): Promise<Release | undefined>;
  /**
   * Creates the release; `ref` is the commit a missing tag is created from (CI_COMMIT_SHA). 'exists'
   * when another writer created it first.
   */
  create(tag: string, fields: ReleaseFields, ref: string | undefined): Promise<Release | 'exists'>;
  /** Sets the description; the name and everything else stay as they are. */
  update(release: Release, description: string): Promise<void>;
  /**
   * Whether links can be attached. A Gitea/Forgejo without external-URL attachments answers false
   * (known from its version or its answer), and the links then live in the release's description.
   */
  linksSupported(): Promise<boolean>;
  /** Adds a link; 'taken' when the platform holds another link of that name or URL already. */
  addLink(release: Release, link: LinkSpec): Promise<ReleaseLink | 'taken'>;
  updateLink(release: Release, existing: ReleaseLink, link: LinkSpec): Promise<ReleaseLink | 'taken'>;
  deleteLink(release: Release, existing: ReleaseLink): Promise<void>;
}

/** The token each platform needs to create and update a release and its links. */
export const RELEASE_TOKEN_NEEDED: Record<RegistryFlavour, string> = {
  gitlab: 'the job token CI_JOB_TOKEN (its user needs the Developer role), or a personal, project or group access token with the api scope and the Developer role; deploy tokens cannot reach the Releases API',
  gitea: 'a token with the write:repository scope of a user who may write the repository (the Actions job token can, for its own repository)',
};
