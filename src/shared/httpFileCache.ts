import { parseHttpFile, type HttpFile } from './httpFile';

/** How many documents stay parsed: the open .http files a person works in at once, with room to spare. */
export const HTTP_FILE_CACHE_SIZE = 32;

/**
 * The parse of each document at its current version, so CodeLens, the commands and whatever else reads a document
 * parse it once per edit rather than once per request. Keyed by the document's URI; a new version replaces the old
 * parse; the least recently used document goes first when more than `size` are held. VS Code numbers versions per
 * opened document, so the owner forgets a document when it closes (a reopened one starts again at version 1).
 */
export class HttpFileCache {
  /** In order of use, least recent first (a Map keeps insertion order). */
  private readonly entries = new Map<string, { readonly version: number; readonly file: HttpFile }>();

  constructor(private readonly size: number = HTTP_FILE_CACHE_SIZE) {}

  /**
   * The document `key` at `version`, parsed. `read` gives its text or lines, and is called only when that version
   * is not parsed yet.
   */
  get(key: string, version: number, read: () => string | readonly string[]): HttpFile {
    const entry = this.entries.get(key);
    this.entries.delete(key);
    if (entry !== undefined && entry.version === version) {
      this.entries.set(key, entry);
      return entry.file;
    }
    const file = parseHttpFile(read());
    this.entries.set(key, { version, file });
    for (const oldest of this.entries.keys()) {
      if (this.entries.size <= this.size) {
        break;
      }
      this.entries.delete(oldest);
    }
    return file;
  }

  /** Drops a document's parse (it was closed). */
  forget(key: string): void {
    this.entries.delete(key);
  }

  /** How many documents are held. */
  get length(): number {
    return this.entries.size;
  }
}
