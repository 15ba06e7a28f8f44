import { PROPERTY_LABELS, TLS_FILE_PROPERTIES, type NetworkProperties, type PropertyIssue } from './properties';
import { issue, present } from './propertyIssue';

// The network properties: proxy and TLS.

/**
 * An absolute path on any platform: `/etc/ssl/ca.pem`, `C:\certs\ca.pem`, `C:/certs/ca.pem`, `\\server\share\ca.pem`.
 * (No node:path: the form's script runs this validation in the webview.)
 */
export function isAbsolutePath(file: string): boolean {
  return /^(\/|[A-Za-z]:[\\/]|\\\\[^\\])/.test(file);
}

/** The proxy URL of a `proxy` property that is neither `system` nor `none`, or the issue with it. */
function validateProxy(value: string): PropertyIssue[] {
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    return [
      issue('proxy', 'invalid', `must be "system", "none" or a proxy URL such as http://proxy.example.com:3128 (it is "${value.trim().slice(0, 200)}").`),
    ];
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return [issue('proxy', 'invalid', `must be an http:// or https:// proxy URL (it starts with ${url.protocol}//).`)];
  }
  const problems: PropertyIssue[] = [];
  if (url.username !== '' || url.password !== '') {
    problems.push(
      issue('proxy', 'not-allowed', `must not contain a user name or password; use "${PROPERTY_LABELS.proxyUsername}" and "${PROPERTY_LABELS.proxyPassword}".`),
    );
  }
  if ((url.pathname !== '/' && url.pathname !== '') || url.search !== '' || url.hash !== '') {
    problems.push(issue('proxy', 'invalid', "must be the proxy's address only: scheme, host and port, without a path."));
  }
  return problems;
}

/**
 * Checks the proxy and TLS properties (without reading any file) and returns every problem, each naming its field.
 * Files are read when a request is sent; a file that cannot be read or parsed is then reported against its field.
 */
export function validateNetworkProperties(properties: NetworkProperties): PropertyIssue[] {
  const p = properties;
  const problems: PropertyIssue[] = [];
  const proxy = p.proxy?.trim() ?? '';
  if (proxy !== '' && proxy !== 'system' && proxy !== 'none') {
    problems.push(...validateProxy(proxy));
  }
  if (present(p.proxyPassword) && !present(p.proxyUsername)) {
    problems.push(issue('proxyUsername', 'required', `is required when a "${PROPERTY_LABELS.proxyPassword}" is given.`));
  }
  for (const field of TLS_FILE_PROPERTIES) {
    const file = p[field];
    if (present(file) && !isAbsolutePath(file.trim())) {
      problems.push(issue(field, 'invalid', `must be an absolute file path (it is "${file.trim().slice(0, 200)}").`));
    }
  }
  if (present(p.tlsPfxFile) && (present(p.tlsCertFile) || present(p.tlsKeyFile))) {
    problems.push(
      issue(
        'tlsPfxFile',
        'not-allowed',
        `cannot be combined with "${PROPERTY_LABELS.tlsCertFile}" or "${PROPERTY_LABELS.tlsKeyFile}": give either the PFX file or the PEM files.`,
      ),
    );
  }
  if (present(p.tlsKeyFile) && !present(p.tlsCertFile)) {
    problems.push(issue('tlsCertFile', 'required', `is required when a "${PROPERTY_LABELS.tlsKeyFile}" is given.`));
  }
  if (p.tlsRejectUnauthorized !== undefined && typeof p.tlsRejectUnauthorized !== 'boolean') {
    problems.push(issue('tlsRejectUnauthorized', 'invalid', 'must be true or false.'));
  }
  return problems;
}
