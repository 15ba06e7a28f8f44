/**
 * A Token Exchange's "Subject Token From Invoker": which invoker it names, and whether following those names from
 * an invoker reaches one that does not exist or comes back (A → A, A → B → A), before anything is sent.
 */
import type { InvokerScope } from './invoker';
import { PROPERTY_LABELS, type GrantType } from './properties';

/** `user:NAME` or `workspace:NAME` as scope and name; a bare name (written by hand) has no scope: the workspace's, else the user's. */
export function parseSubjectInvoker(value: string): { readonly name: string; readonly scope?: InvokerScope } {
  const match = /^(user|workspace):(.+)$/.exec(value.trim());
  return match !== null ? { scope: match[1] as InvokerScope, name: match[2] } : { name: value.trim() };
}

/** What the chain check needs of one invoker. */
export interface SubjectLink {
  /** Unique among the window's invokers (`scope:name`). */
  readonly key: string;
  /** As the user sees it. */
  readonly label: string;
  readonly grantType: GrantType;
  readonly subjectTokenInvoker: string;
}

const FIELD = PROPERTY_LABELS.subjectTokenInvoker;

/**
 * Follows "Subject Token From Invoker" from `start` through every Token Exchange it leads to. Returns the message
 * (naming the field) for a named invoker that does not exist or for a cycle; undefined when the chain ends at an
 * invoker with a grant of its own.
 */
export function subjectChainProblem(start: SubjectLink, find: (value: string) => SubjectLink | undefined): string | undefined {
  const chain: SubjectLink[] = [start];
  let current = start;
  while (current.grantType === 'token_exchange' && current.subjectTokenInvoker.trim() !== '') {
    const next = find(current.subjectTokenInvoker);
    if (next === undefined) {
      const of = current === start ? '' : ` of invoker "${current.label}"`;
      return `"${FIELD}"${of} names the invoker "${parseSubjectInvoker(current.subjectTokenInvoker).name}", which does not exist.`;
    }
    if (chain.some((link) => link.key === next.key)) {
      const path = [...chain, next].map((link) => link.label).join(' → ');
      return `"${FIELD}" makes a cycle (${path}): an invoker cannot exchange its own token, directly or through others. Choose another invoker or enter the Subject Token.`;
    }
    chain.push(next);
    current = next;
  }
  return undefined;
}
