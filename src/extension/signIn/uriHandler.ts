import * as vscode from 'vscode';
import { decodedQueryParameters } from '../../shared/decodedQuery';

/**
 * Receives sign-in redirects sent to VS Code itself (`vscode://oauth2-invoker.oauth2-invoker/callback?…`), through
 * the one URI handler an extension may register. A sign-in waiting for its `state` takes the URI that carries it;
 * any other URI is ignored (a stale or forged link opens nothing).
 */
export class SignInUriHandler implements vscode.UriHandler {
  private readonly waiting = new Map<string, (uri: string) => void>();

  handleUri(uri: vscode.Uri): void {
    // VS Code hands the query decoded once: read as it is, and written out encoded again, so that the sign-in's
    // parser (which decodes once) gets every value exactly, a code holding `+`, `%`, `&` or `=` included.
    const parameters = decodedQueryParameters(uri.query);
    const state = parameters.find(([name]) => name === 'state')?.[1];
    const waiter = state !== undefined ? this.waiting.get(state) : undefined;
    if (waiter !== undefined && state !== undefined) {
      this.waiting.delete(state);
      waiter(`${uri.scheme}://${uri.authority}${uri.path}?${new URLSearchParams(parameters).toString()}`);
    }
  }

  /** The URI that carries `state`, as text; never settles by itself: the caller races it with its cancel and timeout. */
  waitFor(state: string, signal: AbortSignal): Promise<string> {
    return new Promise<string>((resolve) => {
      this.waiting.set(state, resolve);
      signal.addEventListener('abort', () => this.waiting.delete(state), { once: true });
    });
  }
}
