import { PROPERTY_LABELS, type PropertyIssue } from '../../shared/properties';
import { openableUrl } from '../../shared/safeUrl';
import { loadCore } from '../coreLoader';

/** Where an address to open came from, as a refusal names it: an invoker property, or a field of a server's answer. */
export type AddressSource = { readonly property: 'authorizationEndpointUrl' } | { readonly serverField: 'verification_uri' | 'verification_uri_complete' };

/**
 * The address to hand the browser (or offer to copy): `value` as the URL parser writes it, when the one rule for
 * opened addresses (shared/safeUrl.ts: https://, or http:// to this machine) lets it through. Otherwise an
 * InvokerError (code 4) that names the property or the server's field and why, never the address itself: a
 * property's refusal is `invalid-properties` with its field (Edit Invoker opens it), a server's `invalid-response`.
 * Every address the extension opens or offers goes through here.
 */
export function browserAddress(value: string, source: AddressSource, allowInsecureHttp: boolean): string {
  const checked = openableUrl(value, { allowInsecureHttp });
  if (checked.ok) {
    return checked.href;
  }
  const { InvokerError } = loadCore();
  if ('property' in source) {
    const issue: PropertyIssue = {
      field: source.property,
      code: 'not-allowed',
      message: `"${PROPERTY_LABELS[source.property]}" was not opened in the browser: it ${checked.reason}.`,
    };
    throw new InvokerError(issue.message, { kind: 'invalid-properties', issues: [issue], field: source.property });
  }
  throw new InvokerError(`The server's "${source.serverField}" was not opened in the browser: it ${checked.reason}.`, { kind: 'invalid-response' });
}
