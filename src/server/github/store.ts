// GitHub repository variables in memory, rebuilt from the `github` journal namespace on start.
// Names are case-insensitive and stored upper-case (GitHub REST docs "Actions variables").
import type { JournalRecord } from '../journal.js';

export interface VariableRow {
  /** `owner/repo`, lower-case. */
  repo: string;
  name: string;
  value: string;
  createdAt: string;
  updatedAt: string;
}

export type GithubRecord =
  | { op: 'variable.put'; row: VariableRow; previousName?: string }
  | { op: 'variable.delete'; repo: string; name: string };

export class GithubStore {
  readonly #byRepo = new Map<string, Map<string, VariableRow>>();

  apply(r: GithubRecord): void {
    if (r.op === 'variable.put') {
      const m = this.#byRepo.get(r.row.repo) ?? new Map<string, VariableRow>();
      if (r.previousName) m.delete(r.previousName);
      m.set(r.row.name, { ...r.row });
      this.#byRepo.set(r.row.repo, m);
    } else if (r.op === 'variable.delete') {
      this.#byRepo.get(r.repo)?.delete(r.name);
    }
  }

  snapshot(): GithubRecord[] {
    return [...this.#byRepo.values()].flatMap((m) => [...m.values()].map((row) => ({ op: 'variable.put' as const, row: { ...row } })));
  }

  /** Sorted by name. */
  variables(repo: string): VariableRow[] {
    return [...(this.#byRepo.get(repo)?.values() ?? [])].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  variable(repo: string, name: string): VariableRow | undefined {
    return this.#byRepo.get(repo)?.get(name.toUpperCase());
  }
}

export function asRecord(r: GithubRecord): Omit<JournalRecord, 'ns'> {
  return r as unknown as Omit<JournalRecord, 'ns'>;
}
