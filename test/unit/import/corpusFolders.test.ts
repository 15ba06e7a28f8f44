import * as assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { previewImport, type ImportFile } from '../../../src/shared/import/index';

// The whole of ../shared/import-corpus (beside the repository's root), whatever is added to it: each format folder has
// a test of its exact rows (bruno.test.ts, corpusRows.test.ts, openapi.test.ts, hoppscotch.test.ts), and every file
// or collection in it, read alone, gives a preview or a refusal that names it (code 4), never a crash.
const CORPUS = resolve(__dirname, '..', '..', '..', '..', '..', 'shared', 'import-corpus', 'files');

/** The format folders whose files a test describes row by row. */
const DESCRIBED = ['bruno', 'hoppscotch', 'insomnia-v4', 'insomnia-v5', 'jetbrains', 'openapi', 'postman'];

function filesBelow(folder: string): string[] {
  return readdirSync(folder).flatMap((name) => {
    const full = join(folder, name);
    return statSync(full).isDirectory() ? filesBelow(full) : [full];
  });
}

suite('issue 20: every file of the import corpus', () => {
  suiteSetup(() => {
    assert.ok(existsSync(CORPUS), `the import corpus is at ${CORPUS} (../shared/import-corpus beside the repository)`);
  });

  test('every format folder of the corpus has a test of its rows', () => {
    const folders = readdirSync(CORPUS).filter((name) => statSync(join(CORPUS, name)).isDirectory());
    assert.deepEqual(
      folders.filter((name) => !DESCRIBED.includes(name)),
      [],
      'a new format folder in the corpus: describe its files in a test, then add it here',
    );
  });

  test('each Bruno collection, as a folder, and each other file, alone, gives a preview or a refusal naming it', () => {
    const bruno = join(CORPUS, 'bruno');
    const sets: Array<{ what: string; files: ImportFile[] }> = [
      ...readdirSync(bruno).map((collection) => ({
        what: `bruno/${collection}`,
        files: filesBelow(join(bruno, collection)).map((file) => ({
          name: file.split('/').pop() ?? file,
          path: relative(join(bruno, collection), file),
          text: readFileSync(file, 'utf8'),
        })),
      })),
      ...readdirSync(CORPUS)
        .filter((name) => name !== 'bruno')
        .flatMap((folder) => filesBelow(join(CORPUS, folder)))
        .map((file) => ({ what: relative(CORPUS, file), files: [{ name: file.split('/').pop() ?? file, text: readFileSync(file, 'utf8') }] })),
    ];
    assert.ok(sets.length > 50, `${sets.length} files and collections read`);
    const outcomes = sets.map(({ what, files }) => {
      try {
        const preview = previewImport(files);
        return `${what}: ${preview.rows.length} row(s)`;
      } catch (error) {
        const e = error as { code?: unknown; message?: unknown };
        assert.equal(e.code, 4, `${what} failed with something other than an import refusal: ${String(e.message)}`);
        assert.match(String(e.message), new RegExp(files[0].name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')), `${what}: the refusal names the file`);
        return `${what}: refused`;
      }
    });
    // Files that only complete another (an environment, a private env file) are refused alone; everything else has rows.
    const refused = outcomes.filter((outcome) => outcome.endsWith('refused')).length;
    assert.ok(refused < outcomes.length / 2, `most files import on their own:\n${outcomes.join('\n')}`);
  });
});
