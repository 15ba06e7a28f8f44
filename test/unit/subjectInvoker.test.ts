import * as assert from 'node:assert/strict';
import { parseSubjectInvoker, subjectChainProblem, type SubjectLink } from '../../src/shared/subjectInvoker';

suite('Token Exchange: "Subject Token From Invoker" chains', () => {
  /** Invokers by key; each entry: its grant and the invoker it takes its subject token from. */
  function world(entries: Record<string, [SubjectLink['grantType'], string]>): {
    link: (key: string) => SubjectLink;
    find: (value: string) => SubjectLink | undefined;
  } {
    const link = (key: string): SubjectLink => {
      const [grantType, subjectTokenInvoker] = entries[key];
      return { key, label: key.replace(/^user:/, ''), grantType, subjectTokenInvoker };
    };
    return { link, find: (value) => (value in entries ? link(value) : undefined) };
  }

  test('a chain that ends at an invoker with a grant of its own is fine', () => {
    const w = world({ 'user:B': ['token_exchange', 'user:A'], 'user:A': ['client_credentials', ''] });
    assert.equal(subjectChainProblem(w.link('user:B'), w.find), undefined);
  });

  test('an invoker naming itself is a cycle, named by the field', () => {
    const w = world({ 'user:A': ['token_exchange', 'user:A'] });
    assert.equal(
      subjectChainProblem(w.link('user:A'), w.find),
      '"Subject Token From Invoker" makes a cycle (A → A): an invoker cannot exchange its own token, directly or through others. Choose another invoker or enter the Subject Token.',
    );
  });

  test('A → B → A is a cycle, the path shown', () => {
    const w = world({ 'user:A': ['token_exchange', 'user:B'], 'user:B': ['token_exchange', 'user:A'] });
    assert.match(subjectChainProblem(w.link('user:A'), w.find) ?? '', /makes a cycle \(A → B → A\)/);
  });

  test('an unknown invoker, directly or further along, is named', () => {
    const w = world({ 'user:B': ['token_exchange', 'user:gone'], 'user:C': ['token_exchange', 'user:B'] });
    assert.equal(subjectChainProblem(w.link('user:B'), w.find), '"Subject Token From Invoker" names the invoker "gone", which does not exist.');
    assert.equal(subjectChainProblem(w.link('user:C'), w.find), '"Subject Token From Invoker" of invoker "B" names the invoker "gone", which does not exist.');
  });

  test('scope prefixes are read; a bare name has none; a name may hold a colon', () => {
    assert.deepEqual(parseSubjectInvoker('workspace:api'), { scope: 'workspace', name: 'api' });
    assert.deepEqual(parseSubjectInvoker('user:a:b'), { scope: 'user', name: 'a:b' });
    assert.deepEqual(parseSubjectInvoker(' api '), { name: 'api' });
  });
});
