import * as vscode from 'vscode';
import type { ImportFile } from '../shared/import/index';
import { loadImporters } from './importerLoader';

// Reading what a person picked for import: files, each capped, and a Bruno collection folder, walked with bounds.

/** A file picked for import is read whole: a cap keeps a wrong pick (a video, a dump) from filling memory. */
const MAX_IMPORT_BYTES = 10 * 1024 * 1024;
/** A Bruno collection folder is read up to these: its files (of the kinds below), their size together, its depth. */
const MAX_FOLDER_FILES = 2_000;
const MAX_FOLDER_ENTRIES = 20_000;
const MAX_FOLDER_DEPTH = 32;
/** The files of a collection folder the importers read: requests, folders, environments, the manifest, `.env`. */
const FOLDER_FILE = /\.(bru|ya?ml|json)$|^\.env$/i;
const IGNORED_DIRECTORIES = new Set(['node_modules', '.git']);
export function fileName(uri: vscode.Uri): string {
  return uri.path.slice(uri.path.lastIndexOf('/') + 1);
}

export async function exists(uri: vscode.Uri): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch {
    return false;
  }
}

export async function readText(uri: vscode.Uri): Promise<string> {
  const stat = await vscode.workspace.fs.stat(uri);
  if (stat.size > MAX_IMPORT_BYTES) {
    throw new Error(`"${fileName(uri)}" cannot be imported: it is larger than 10 MB.`);
  }
  return new TextDecoder('utf-8').decode(await vscode.workspace.fs.readFile(uri));
}

/**
 * The files of a picked collection folder that the Bruno importer reads, with their paths relative to it: walked
 * breadth-first without following symbolic links, node_modules and .git left out, and refused past a count, a depth
 * or a total size, so that picking a home folder by mistake does not read it all.
 */
export async function readFolder(root: vscode.Uri): Promise<ImportFile[]> {
  const files: ImportFile[] = [];
  const queue: Array<{ uri: vscode.Uri; path: string; depth: number }> = [{ uri: root, path: '', depth: 0 }];
  let entries = 0;
  let bytes = 0;
  const tooLarge = (what: string): Error =>
    new Error(`"${fileName(root)}" cannot be imported as a Bruno collection: ${what}; pick the collection's own folder.`);
  for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
    for (const [name, type] of await vscode.workspace.fs.readDirectory(next.uri)) {
      entries += 1;
      if (entries > MAX_FOLDER_ENTRIES) {
        throw tooLarge(`it holds more than ${MAX_FOLDER_ENTRIES} files and folders`);
      }
      const path = next.path === '' ? name : `${next.path}/${name}`;
      const uri = vscode.Uri.joinPath(next.uri, name);
      if ((type & vscode.FileType.SymbolicLink) !== 0) {
        continue;
      }
      if (type === vscode.FileType.Directory) {
        if (!IGNORED_DIRECTORIES.has(name)) {
          if (next.depth + 1 > MAX_FOLDER_DEPTH) {
            throw tooLarge(`its folders nest deeper than ${MAX_FOLDER_DEPTH} levels`);
          }
          queue.push({ uri, path, depth: next.depth + 1 });
        }
        continue;
      }
      if (type !== vscode.FileType.File || !FOLDER_FILE.test(name)) {
        continue;
      }
      if (files.length >= MAX_FOLDER_FILES) {
        throw tooLarge(`it holds more than ${MAX_FOLDER_FILES} collection files`);
      }
      const text = await readText(uri);
      bytes += text.length;
      if (bytes > MAX_IMPORT_BYTES) {
        throw tooLarge('its collection files are larger than 10 MB together');
      }
      files.push({ name, path, text });
    }
  }
  if (!loadImporters().isBrunoCollection(files)) {
    throw new Error(`"${fileName(root)}" cannot be imported: it is not a Bruno collection folder (no bruno.json or opencollection.yml at its root).`);
  }
  return files;
}
