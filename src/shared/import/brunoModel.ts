import type { ExternalAuth, ExternalClientAuthentication } from './importPreview';

/** A file of a collection folder: its path relative to the folder, with forward slashes. */
export interface FolderFile {
  readonly path: string;
  readonly text: string;
}

/** Variables one place of a collection defines (collection, folder, request, environment), by name. */
export interface BrunoVariables {
  /** The file that defines them: the one a limit error names. */
  readonly file: string;
  readonly values: ReadonlyMap<string, string>;
}

/** An environment of the collection: its variables, and the names of its secret ones, which have no value in the folder. */
export interface BrunoEnvironment extends BrunoVariables {
  readonly name: string;
  readonly secrets: ReadonlySet<string>;
}

/** An OAuth 2.0 block in effect (its auth mode is oauth2), with the variables of the places it is in, innermost first. */
export interface BrunoAuthBlock {
  readonly auth: ExternalAuth;
  readonly scopes: readonly BrunoVariables[];
}

/** What a collection folder holds for the importer, whichever of Bruno's two file formats it is in. */
export interface BrunoCollection {
  readonly name: string;
  /** `bruno.json` or `opencollection.yml`: the file messages about the whole collection name. */
  readonly root: string;
  readonly blocks: readonly BrunoAuthBlock[];
  /** The collection's own variables: below an environment's in Bruno's precedence. */
  readonly collectionVariables: BrunoVariables;
  readonly environments: readonly BrunoEnvironment[];
}

/**
 * Where Bruno sends the client's credentials: `basic_auth_header`, or the body, which is also what a block without
 * the key (written by Bruno before it had the choice) means.
 */
export function brunoClientAuthentication(placement: string): ExternalClientAuthentication {
  return placement.trim().toLowerCase() === 'basic_auth_header' ? 'basic' : 'body';
}

/** Ignored directories of a collection, as Bruno's own `ignore` default. */
export function isIgnoredPath(path: string): boolean {
  return path.split('/').some((part) => part === 'node_modules' || part === '.git');
}

/** The folder part of a path (`a/b/c.bru` → `a/b`; `c.bru` → ``). */
export function directoryOf(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash < 0 ? '' : path.slice(0, slash);
}

/** The last part of a path, without the extension when one is given. */
export function baseName(path: string, extension?: RegExp): string {
  const base = path.slice(path.lastIndexOf('/') + 1);
  return extension !== undefined ? base.replace(extension, '') : base;
}
