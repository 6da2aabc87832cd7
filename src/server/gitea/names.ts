// Validation rules copied from Gitea/Forgejo (Gitea `routers/api/packages/generic/generic.go` and
// `services/secrets/validation.go`; Forgejo `models/secret/secret.go`).
import type { GiteaFeatures } from './config.js';

// routers/api/packages/generic: the same rules relpack's client checks before sending (one
// definition in src/registry/gitea-names.ts): name `\A[-_+.\w]+\z` (`\w` ASCII), not `..`, one
// character must be alphanumeric; file name `\A[-_+=:;.()\[\]{}~!@#$%^& \w]+\z`, no surrounding
// whitespace, not `.` or `..`.
import { GITEA_FILE_NAME as FILE_NAME, GITEA_PACKAGE_NAME as PACKAGE_NAME } from '../../registry/gitea-names.js';
/** G ≤1.21: one regex for both. */
const LEGACY = /^[A-Za-z0-9._+-]+$/;

export function validPackageName(name: string, f: GiteaFeatures): boolean {
  if (f.legacyNames) return LEGACY.test(name);
  if (!PACKAGE_NAME.test(name) || name === '..') return false;
  return name.length !== 1 || /^[A-Za-z0-9]$/.test(name);
}

export function validFileName(name: string, f: GiteaFeatures): boolean {
  if (f.legacyNames) return LEGACY.test(name);
  return FILE_NAME.test(name) && name.trim() === name && name !== '.' && name !== '..';
}

/** The only version rule: no leading or trailing whitespace. */
export function validVersion(version: string): boolean {
  return version !== '' && version.trim() === version;
}

const VARIABLE_NAME = /^[A-Z_][A-Z0-9_]*$/i;

/** services/secrets/validation.go (F: models/secret/secret.go). */
export function validVariableName(name: string, f: GiteaFeatures): boolean {
  const up = name.toUpperCase();
  if (!VARIABLE_NAME.test(name)) return false;
  if (up.startsWith('GITEA_') || up.startsWith('GITHUB_')) return false;
  if (f.forgejoPrefix && up.startsWith('FORGEJO_')) return false;
  // The docs say "must not start with CI"; the code rejects only the exact name.
  return up !== 'CI';
}
