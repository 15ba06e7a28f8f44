/** "Discover": ask the extension to read the issuer's metadata, and fill the fields from what it found. */
import { formOnlyIssues } from '../shared/formValidation';
import { ISSUER_LABEL, NETWORK_SECRETS } from '../shared/invoker';
import { endpointsFor } from '../shared/properties';
import type { DiscoveredMessage, SecretEdits } from '../shared/protocol';
import { byId } from './dom';
import { LABELS, type FieldKey } from './fields';
import { post, setValue } from './host';
import { openSectionOf } from './layout';
import { showResult } from './page';
import { secretEdits } from './secrets';
import { control, state } from './state';
import { validate } from './validation';
import { readConfig } from './values';

/** "Discover": the issuer's metadata, over the network settings as typed (and the network secrets typed, if any). */
export function discover(): void {
  const config = readConfig();
  state.touched.add('issuer');
  if (config.issuer.trim() === '') {
    state.serverIssues = [
      ...state.serverIssues.filter((i) => i.field !== 'issuer'),
      { field: 'issuer', message: `"${ISSUER_LABEL}" is required to discover, e.g. https://sso.example.com/realms/acme.` },
    ];
    validate();
    control('issuer').focus();
    return;
  }
  if (formOnlyIssues(config).some((i) => i.field === 'issuer')) {
    validate();
    control('issuer').focus();
    return;
  }
  const all = secretEdits();
  const secrets: SecretEdits = Object.fromEntries(NETWORK_SECRETS.filter((key) => all[key] !== undefined).map((key) => [key, all[key]]));
  setDiscovering(true);
  post({ type: 'discover', config, secrets });
}

export function setDiscovering(busy: boolean): void {
  state.discovering = busy;
  const discoverButton = byId<HTMLButtonElement>('discover');
  discoverButton.disabled = busy;
  discoverButton.textContent = busy ? 'Discovering\u2026' : 'Discover';
  if (busy) {
    showResult(undefined, '');
  }
}

/** What Discover found goes into the form: the token endpoint, and the suggested place for the client credentials. */
export function onDiscovered(message: DiscoveredMessage): void {
  setDiscovering(false);
  if (message.error !== undefined || message.result === undefined) {
    const text = message.error?.text ?? 'The discovery failed.';
    // Beside the field that fixes it (the issuer, a CA file, the proxy credentials), its section opened.
    const ui = message.error?.field !== undefined ? state.fields.get(message.error.field as FieldKey) : undefined;
    if (ui !== undefined && !ui.row.hidden) {
      state.serverIssues = [...state.serverIssues.filter((i) => i.field !== ui.spec.key), { field: ui.spec.key, message: text }];
      openSectionOf(ui);
      validate();
    }
    showResult(false, text);
    return;
  }
  const result = message.result;
  state.discovered = result;
  state.serverIssues = state.serverIssues.filter((i) => i.field !== 'issuer');
  const method = readConfig().clientAuthentication;
  // For a mutual-TLS method, each endpoint's mtls_endpoint_aliases entry when the server lists one (RFC 8705 §5).
  const endpoints = endpointsFor(result, method === '' ? undefined : method);
  const aliased = (value: string | undefined, plain: string | undefined): string =>
    value !== plain ? ' (its mutual-TLS alias, for the chosen client authentication)' : '';
  setValue('authorizationServerUrl', endpoints.authorizationServerUrl);
  const said = [
    `Discovered ${result.issuer || readConfig().issuer}: "${LABELS.authorizationServerUrl}" set to its token endpoint${aliased(endpoints.authorizationServerUrl, result.tokenEndpoint)}`,
  ];
  // The sign-in endpoints too, so that Issuer URL, Client ID and Scope are all a person types.
  if (result.authorizationEndpoint !== undefined) {
    setValue('authorizationEndpointUrl', result.authorizationEndpoint);
    setValue('issParameterSupported', result.issParameterSupported === true);
    said.push(`"${LABELS.authorizationEndpointUrl}" set`);
  }
  if (endpoints.deviceAuthorizationEndpointUrl !== undefined) {
    setValue('deviceAuthorizationEndpointUrl', endpoints.deviceAuthorizationEndpointUrl);
    said.push(`"${LABELS.deviceAuthorizationEndpointUrl}" set${aliased(endpoints.deviceAuthorizationEndpointUrl, result.deviceAuthorizationEndpoint)}`);
  }
  const suggested = result.credentialsInRequestBody;
  if (suggested !== undefined) {
    const before = (control('credentialsInRequestBody') as HTMLInputElement).checked;
    setValue('credentialsInRequestBody', suggested);
    const why = suggested ? 'the server takes client_secret_post, not client_secret_basic' : 'the server takes client_secret_basic';
    said.push(`"${LABELS.credentialsInRequestBody}" ${before === suggested ? 'stays' : 'turned'} ${suggested ? 'on' : 'off'} (${why})`);
  } else {
    said.push(`"${LABELS.credentialsInRequestBody}" left as it is (the server lists neither client_secret_basic nor client_secret_post)`);
  }
  for (const [key, plain, rfc] of [
    ['introspectionEndpoint', result.introspectionEndpoint, 'introspection_endpoint'],
    ['revocationEndpoint', result.revocationEndpoint, 'revocation_endpoint'],
  ] as const) {
    const value = endpoints[key];
    if (value !== undefined) {
      setValue(key, value);
      const ui = state.fields.get(key);
      if (ui !== undefined) {
        openSectionOf(ui);
      }
      said.push(`"${LABELS[key]}" set to its ${rfc}${aliased(value, plain)}`);
    }
  }
  validate();
  showResult(true, `${said.join('; ')}.`);
}
