import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { ImportFile } from '../../../src/shared/import/index';

/** The Bruno collections people published (`../shared/import-corpus/files/bruno/`, beside the repository). */
export const BRUNO_CORPUS = resolve(__dirname, '..', '..', '..', '..', '..', 'shared', 'import-corpus', 'files', 'bruno');

/** The names of the corpus's collections; fails loudly when the corpus is missing. */
export function brunoCollections(): string[] {
  if (!existsSync(BRUNO_CORPUS)) {
    throw new Error(`The import corpus is missing: ${BRUNO_CORPUS}`);
  }
  return readdirSync(BRUNO_CORPUS).sort();
}

/** Every file of a folder, with its path relative to the folder, as the command hands a picked folder to the importers. */
export function folderFiles(folder: string): ImportFile[] {
  const files: ImportFile[] = [];
  const stack = [''];
  for (let relative = stack.pop(); relative !== undefined; relative = stack.pop()) {
    for (const entry of readdirSync(join(folder, relative), { withFileTypes: true })) {
      const path = relative === '' ? entry.name : `${relative}/${entry.name}`;
      if (entry.isDirectory()) {
        stack.push(path);
      } else {
        files.push({ name: entry.name, path, text: readFileSync(join(folder, path), 'utf8') });
      }
    }
  }
  return files;
}
