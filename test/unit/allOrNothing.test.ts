import * as assert from 'node:assert/strict';
import { allOrNothing, type UndoableStep } from '../../src/shared/allOrNothing';

/** A step that writes `key = value` into the store, in two writes (the second may fail), and can put back what was there. */
function write(store: Map<string, string>, key: string, value: string, failAfterFirstWrite = false): UndoableStep {
  return {
    prepare: async () => {
      const before = store.get(key);
      return async () => {
        if (before === undefined) {
          store.delete(key);
        } else {
          store.set(key, before);
        }
        store.delete(`${key}/secret`);
      };
    },
    run: async () => {
      store.set(key, value);
      if (failAfterFirstWrite) {
        throw new Error(`writing the secret of ${key} failed`);
      }
      store.set(`${key}/secret`, `${value}-secret`);
    },
  };
}

suite('all or nothing (an import of several invokers)', () => {
  test('every step done when none fails', async () => {
    const store = new Map([['a', 'old']]);
    await allOrNothing([write(store, 'a', 'new'), write(store, 'b', 'B')], () => assert.fail('no undo'));
    assert.deepEqual(Object.fromEntries(store), { a: 'new', 'a/secret': 'new-secret', b: 'B', 'b/secret': 'B-secret' });
  });

  test('a step failing halfway: it and every step before it are put back, last first; the failure is rethrown', async () => {
    const store = new Map([['a', 'old']]);
    await assert.rejects(
      allOrNothing([write(store, 'a', 'new'), write(store, 'b', 'B'), write(store, 'c', 'C', true), write(store, 'd', 'D')], () =>
        assert.fail('no undo error'),
      ),
      {
        message: 'writing the secret of c failed',
      },
    );
    assert.deepEqual(Object.fromEntries(store), { a: 'old' });
  });

  test('an undo that fails is reported and does not stop the others', async () => {
    const store = new Map<string, string>();
    const broken: UndoableStep = { prepare: async () => async () => Promise.reject(new Error('undo broke')), run: async () => undefined };
    const reported: string[] = [];
    await assert.rejects(
      allOrNothing([write(store, 'a', 'A'), broken, write(store, 'c', 'C', true)], (e) => reported.push((e as Error).message)),
      { message: 'writing the secret of c failed' },
    );
    assert.deepEqual(reported, ['undo broke']);
    assert.deepEqual(Object.fromEntries(store), {});
  });
});
