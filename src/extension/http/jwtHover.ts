import * as vscode from 'vscode';
import { decodeJwt, numericDateMs, type DecodedJwt } from '../../core/model/jwt';
import { formatDuration } from '../../shared/expiry';
import { jwtAt } from '../../shared/httpFile';
import { escapeMarkdown } from '../../shared/plainText';

function claimText(value: unknown): string | undefined {
  if (value === undefined || value === null) {
    return undefined;
  }
  if (Array.isArray(value)) {
    return value.map((item) => (typeof item === 'string' ? item : JSON.stringify(item))).join(', ');
  }
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** `scope` (RFC 9068 §2.2.3, space-separated) or `scp` (Entra ID, a string or an array). */
function scopes(payload: Readonly<Record<string, unknown>>): string | undefined {
  const value = payload.scope ?? payload.scp;
  if (typeof value === 'string') {
    return value
      .split(' ')
      .filter((scope) => scope !== '')
      .join(', ');
  }
  return claimText(value);
}

/** A NumericDate claim as a local time with what it means now, e.g. "27/11/2026, 22:14:05 — valid for 12 min". */
function timeClaim(payload: Readonly<Record<string, unknown>>, claim: 'exp' | 'nbf' | 'iat', now: number): string | undefined {
  if (payload[claim] === undefined) {
    return undefined;
  }
  const at = numericDateMs(payload, claim);
  if (at === undefined) {
    return `${JSON.stringify(payload[claim])} (not a NumericDate)`;
  }
  const left = at - now;
  const meaning = {
    exp: left > 0 ? `valid for ${formatDuration(left)}` : `expired ${formatDuration(left)} ago`,
    nbf: left > 0 ? `not valid for another ${formatDuration(left)}` : `valid since ${formatDuration(left)} ago`,
    iat: left > 0 ? `issued in ${formatDuration(left)} (the issuer's clock is ahead)` : `issued ${formatDuration(left)} ago`,
  }[claim];
  return `${new Date(at).toLocaleString()} — ${meaning}`;
}

function codeBlock(value: unknown): string {
  const json = JSON.stringify(value, null, 2);
  const longest = Math.max(2, ...[...json.matchAll(/`+/g)].map((run) => run[0].length));
  const fence = '`'.repeat(longest + 1);
  return `${fence}json\n${json}\n${fence}\n`;
}

/** The hover of a JWT: its decoded header and claims, the times in local time, and that nothing was verified. */
export function jwtMarkdown(jwt: DecodedJwt, now: number): vscode.MarkdownString {
  const { header, payload } = jwt;
  const rows: Array<[string, string | undefined]> = [
    ['Issuer (`iss`)', claimText(payload.iss)],
    ['Subject (`sub`)', claimText(payload.sub)],
    ['Audience (`aud`)', claimText(payload.aud)],
    ['Scopes', scopes(payload)],
    ['Client (`client_id`)', claimText(payload.client_id ?? payload.azp)],
    ['Expires (`exp`)', timeClaim(payload, 'exp', now)],
    ['Not before (`nbf`)', timeClaim(payload, 'nbf', now)],
    ['Issued at (`iat`)', timeClaim(payload, 'iat', now)],
    ['Algorithm (`alg`)', claimText(header.alg)],
  ];
  const table = rows
    .filter((row): row is [string, string] => row[1] !== undefined)
    .map(([name, value]) => `| ${name} | ${escapeMarkdown(value)} |`)
    .join('\n');
  const markdown = new vscode.MarkdownString();
  markdown.isTrusted = false;
  markdown.supportHtml = false;
  markdown.appendMarkdown('**JWT** — signature not verified: decoded for reading, not proof of anything.\n\n');
  markdown.appendMarkdown(`| Claim | Value |\n|---|---|\n${table}\n\n`);
  markdown.appendMarkdown(`Header\n\n${codeBlock(header)}\nClaims\n\n${codeBlock(payload)}`);
  return markdown;
}

/** Hover on any JWT in a .http file. */
export class JwtHoverProvider implements vscode.HoverProvider {
  provideHover(document: vscode.TextDocument, position: vscode.Position): vscode.Hover | undefined {
    const match = jwtAt(document.lineAt(position.line).text, position.character);
    const jwt = match !== undefined ? decodeJwt(match.token) : undefined;
    if (match === undefined || jwt === undefined) {
      return undefined;
    }
    return new vscode.Hover(jwtMarkdown(jwt, Date.now()), new vscode.Range(position.line, match.start, position.line, match.end));
  }
}
