// Generated from component.yml by scripts/generate-interface.mjs: do not edit.
// The action's inputs as the runner passes them (strings), with what each operation needs.
export type Operation = 'publish' | 'download' | 'list' | 'bump' | 'prune' | 'release';

export interface InputSpec {
  type: 'string' | 'boolean' | 'number' | 'array';
  /** The default action.yml declares; undefined for a required input. */
  default: string | undefined;
  operations: readonly Operation[];
  /** Operations that need a value. */
  required: readonly Operation[];
  options?: readonly string[];
  regex?: string;
}

export const ACTION_INPUTS = {
  'command': { type: 'string', default: "publish", operations: ["publish","download","list","bump","prune","release"], required: [], options: ["publish","download","list","bump","prune","release"] },
  'files': { type: 'array', default: "", operations: ["publish","download","bump"], required: ["publish","bump"] },
  'name': { type: 'string', default: "", operations: ["publish","download","list","bump","prune","release"], required: ["publish","download","list","bump","release"] },
  'version': { type: 'string', default: "", operations: ["publish","download","list","release"], required: ["download"] },
  'bump': { type: 'string', default: "patch", operations: ["bump"], required: [], options: ["major","minor","patch","premajor","preminor","prepatch","prerelease","auto"] },
  'preid': { type: 'string', default: "", operations: ["bump"], required: [] },
  'version-variable': { type: 'string', default: "RELPACK_RELEASE_VERSION", operations: ["bump","prune"], required: [], regex: "^([A-Za-z_][A-Za-z0-9_]*)?$" },
  'registry': { type: 'string', default: "", operations: ["publish","download","list","bump","prune","release"], required: [], options: ["","gitlab","gitea","forgejo"] },
  'url': { type: 'string', default: "", operations: ["publish","download","list","bump","prune","release"], required: [] },
  'project': { type: 'string', default: "", operations: ["publish","download","list","bump","prune","release"], required: [] },
  'owner': { type: 'string', default: "", operations: ["publish","download","list","bump","prune","release"], required: [] },
  'token': { type: 'string', default: "", operations: ["publish","download","list","bump","prune","release"], required: [] },
  'variables-token': { type: 'string', default: "", operations: ["bump"], required: [] },
  'if-exists': { type: 'string', default: "skip", operations: ["publish"], required: [], options: ["skip","fail","replace"] },
  'concurrency': { type: 'number', default: "8", operations: ["publish","download","bump","release"], required: [] },
  'checksums': { type: 'string', default: "SHA256SUMS", operations: ["publish","download","bump"], required: [] },
  'hidden': { type: 'boolean', default: "false", operations: ["publish","bump"], required: [] },
  'include-hidden': { type: 'boolean', default: "false", operations: ["publish","bump"], required: [] },
  'keep': { type: 'number', default: undefined, operations: ["prune"], required: ["prune"] },
  'older-than': { type: 'string', default: "", operations: ["prune"], required: [], regex: "^([0-9]+[smhdw])?$" },
  'match': { type: 'string', default: "", operations: ["prune"], required: [] },
  'archive': { type: 'string', default: "", operations: ["publish"], required: [], options: ["","tar.gz","zip"] },
  'archive-name': { type: 'string', default: "", operations: ["publish"], required: [] },
  'release': { type: 'boolean', default: "false", operations: ["publish","bump"], required: [] },
  'release-tag': { type: 'string', default: "", operations: ["publish","bump","release"], required: [] },
  'release-notes': { type: 'string', default: "", operations: ["publish","bump","release"], required: [] },
  'extract': { type: 'boolean', default: "false", operations: ["download"], required: [] },
  'cache': { type: 'string', default: "", operations: ["download"], required: [] },
  'cache-max': { type: 'string', default: "", operations: ["download"], required: [], regex: "^([0-9]+(\\.[0-9]+)? *[A-Za-z]*)?$" },
  'follow-symlinks': { type: 'boolean', default: "false", operations: ["publish","bump"], required: [] },
  'max-size': { type: 'string', default: "", operations: ["download"], required: [], regex: "^([0-9]+(\\.[0-9]+)? *[A-Za-z]*)?$" },
  'timeout': { type: 'string', default: "", operations: ["publish","download","list","bump","prune","release"], required: [], regex: "^([0-9]+(\\.[0-9]+)?)?$" },
  'out': { type: 'string', default: "downloads", operations: ["download"], required: [] },
  'verify': { type: 'boolean', default: "true", operations: ["download"], required: [] },
  'dry-run': { type: 'boolean', default: "false", operations: ["publish","bump","prune"], required: [] },
} as const satisfies Record<string, InputSpec>;

export type InputName = keyof typeof ACTION_INPUTS;

/** Each output and the operations that set it. */
export const ACTION_OUTPUTS = {
  'version': ["publish","download","bump"],
  'previous-version': ["bump"],
  'name': ["publish","download","bump","prune"],
  'package-url': ["publish","download","bump"],
  'files': ["publish","download","list","bump"],
  'versions': ["list"],
  'uploaded': ["publish","bump"],
  'skipped': ["publish","download","bump"],
  'pruned': ["prune"],
  'kept': ["prune"],
  'release-url': ["publish","bump","release"],
  'downloaded': ["download"],
} as const satisfies Record<string, readonly Operation[]>;

export type OutputName = keyof typeof ACTION_OUTPUTS;
