import * as assert from 'node:assert/strict';
import { HttpFileCache } from '../../src/shared/httpFileCache';

/** A document as the cache sees it: its text, and how often the cache read it (each read is one parse). */
class Document {
  reads = 0;
  constructor(
    readonly uri: string,
    public text: string,
    public version = 1,
  ) {}

  read = (): string => {
    this.reads += 1;
    return this.text;
  };

  edit(text: string): void {
    this.text = text;
    this.version += 1;
  }
}

function lookup(cache: HttpFileCache, document: Document): ReturnType<HttpFileCache['get']> {
  return cache.get(document.uri, document.version, document.read);
}

suite('.http file cache', () => {
  test('a second lookup of the same version does not parse again; a new version does', () => {
    const cache = new HttpFileCache();
    const document = new Document('file:///a.http', 'GET /one\n');
    const first = lookup(cache, document);
    assert.equal(first.requests[0].url, '/one');
    assert.equal(lookup(cache, document), first, 'the same parse');
    assert.equal(lookup(cache, document), first);
    assert.equal(document.reads, 1, 'read and parsed once');

    document.edit('GET /two\n');
    const second = lookup(cache, document);
    assert.equal(document.reads, 2);
    assert.notEqual(second, first);
    assert.equal(second.requests[0].url, '/two');
    assert.equal(lookup(cache, document), second);
    assert.equal(document.reads, 2);
  });

  test('documents are held apart; a forgotten (closed) one is parsed again, whatever its version', () => {
    const cache = new HttpFileCache();
    const a = new Document('file:///a.http', 'GET /a');
    const b = new Document('file:///b.http', 'GET /b');
    assert.equal(lookup(cache, a).requests[0].url, '/a');
    assert.equal(lookup(cache, b).requests[0].url, '/b');
    lookup(cache, a);
    assert.deepEqual([a.reads, b.reads], [1, 1]);

    // Closed, changed on disk and opened again: VS Code numbers it from 1 again.
    cache.forget(a.uri);
    a.text = 'GET /reopened';
    assert.equal(lookup(cache, a).requests[0].url, '/reopened');
    assert.equal(a.reads, 2);
  });

  test('it holds at most its size, dropping the least recently used document', () => {
    const cache = new HttpFileCache(2);
    const [a, b, c] = ['a', 'b', 'c'].map((name) => new Document(`file:///${name}.http`, `GET /${name}`));
    lookup(cache, a);
    lookup(cache, b);
    lookup(cache, a); // a is now the most recent
    lookup(cache, c); // b goes
    assert.equal(cache.length, 2);
    lookup(cache, a);
    lookup(cache, c);
    assert.deepEqual([a.reads, b.reads, c.reads], [1, 1, 1], 'a and c are still held');
    lookup(cache, b);
    assert.equal(b.reads, 2, 'b was dropped');
    assert.equal(cache.length, 2);
  });
});
