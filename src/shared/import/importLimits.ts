import { ImportLimitError } from './importError';

/**
 * The most one preview reads. Each is far above what a real export holds and far below what would hold up the
 * extension host, where imports run (every other extension waits while one does).
 */
export const IMPORT_LIMITS = {
  /** Arrays and objects nest this deep at most in a JSON file (a Postman folder is two levels). */
  jsonDepth: 512,
  /** Lists and mappings nest this deep at most in a YAML file (an Insomnia folder is two levels). */
  yamlDepth: 256,
  /** Folders nest this deep at most: Postman items, Insomnia folders by `parentId` or by `children`. */
  folderDepth: 100,
  /** Requests, folders, environments and auth entries one preview walks. */
  items: 50_000,
  /** OAuth 2.0 configurations one preview lists. */
  configurations: 2_000,
  /** A variable's value may use variables this many levels deep (`{{a}}` using `{{b}}` is one level). */
  variableDepth: 8,
  /** Variables replaced in one field. */
  fieldSubstitutions: 1_000,
  /** One field, once its variables are replaced. */
  fieldCharacters: 64 * 1024,
  /** Every replaced field of a preview together. */
  expandedCharacters: 16 * 1024 * 1024,
  /** A preview gives up after this long. */
  milliseconds: 1_000,
} as const;

/** Milliseconds from any fixed origin: `Date.now` by default, a counter in tests. */
export type ImportClock = () => number;

/**
 * What is left of one preview's limits: the items it has walked, the characters its variables have expanded to, and
 * its deadline, checked in every loop so that no file, however built, keeps the host busy for long. One per preview.
 */
export class ImportBudget {
  private readonly deadline: number;
  private items = 0;
  private configurations = 0;
  private expanded = 0;

  constructor(private readonly clock: ImportClock = Date.now) {
    this.deadline = clock() + IMPORT_LIMITS.milliseconds;
  }

  /** Throws when the preview has run out of time. */
  check(file: string): void {
    if (this.clock() > this.deadline) {
      throw new ImportLimitError(file, 'time', `reading it takes longer than ${IMPORT_LIMITS.milliseconds / 1000} s`);
    }
  }

  /** Counts one request, folder, environment or auth entry of `file`. */
  item(file: string): void {
    this.items += 1;
    if (this.items > IMPORT_LIMITS.items) {
      throw new ImportLimitError(file, 'items', `it holds more than ${IMPORT_LIMITS.items} requests, folders and environments`);
    }
    this.check(file);
  }

  /** Counts one OAuth 2.0 configuration of `file`. */
  configuration(file: string): void {
    this.configurations += 1;
    if (this.configurations > IMPORT_LIMITS.configurations) {
      throw new ImportLimitError(file, 'configurations', `it holds more than ${IMPORT_LIMITS.configurations} OAuth 2.0 configurations`);
    }
  }

  /** Counts the characters a field of `file` expanded to. */
  expand(file: string, characters: number): void {
    this.expanded += characters;
    if (this.expanded > IMPORT_LIMITS.expandedCharacters) {
      throw new ImportLimitError(file, 'expanded', `its variables expand to more than ${IMPORT_LIMITS.expandedCharacters} characters in all`);
    }
  }
}
