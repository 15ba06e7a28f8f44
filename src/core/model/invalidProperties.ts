import type { PropertyIssue } from '../../shared/properties';
import { InvokerError } from './errors';

/**
 * The error of properties that cannot be used, before anything is sent: one sentence with every issue's message after
 * `what` ("The invoker's properties are not valid"), and the issues themselves, each naming its field for the form.
 */
export function invalidProperties(issues: readonly PropertyIssue[], what = "The invoker's properties are not valid"): InvokerError {
  return new InvokerError(`${what}: ${issues.map((issue) => issue.message).join(' ')}`, { kind: 'invalid-properties', issues });
}
