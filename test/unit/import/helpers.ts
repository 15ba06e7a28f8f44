import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { ImportCandidate, ImportFile, ImportPreview, ImportRow, SkippedRow } from '../../../src/shared/import/index';

const FIXTURES = resolve(__dirname, '..', '..', '..', '..', 'test', 'fixtures', 'import');

/** A fixture file as the command hands it to the importers: its name and its text. */
export function fixture(...path: string[]): ImportFile {
  return { name: path[path.length - 1], text: readFileSync(join(FIXTURES, ...path), 'utf8') };
}

export function candidate(preview: ImportPreview, name: string): ImportCandidate {
  const row = preview.rows.find((r): r is ImportCandidate => r.kind === 'invoker' && r.config.name === name);
  assert.ok(row !== undefined, `no importable row "${name}" in ${preview.rows.map(rowName).join(', ')}`);
  return row;
}

export function skipped(preview: ImportPreview, name: string): SkippedRow {
  const row = preview.rows.find((r): r is SkippedRow => r.kind === 'skipped' && r.name === name);
  assert.ok(row !== undefined, `no skipped row "${name}" in ${preview.rows.map(rowName).join(', ')}`);
  return row;
}

export function rowName(row: ImportRow): string {
  return row.kind === 'invoker' ? row.config.name : `${row.name} (skipped)`;
}

/** Everything a preview shows besides the secrets themselves: no secret may appear in it. */
export function shownText(preview: ImportPreview): string {
  return JSON.stringify(preview.rows.map((row) => (row.kind === 'invoker' ? { source: row.source, config: row.config, warnings: row.warnings } : row)));
}
