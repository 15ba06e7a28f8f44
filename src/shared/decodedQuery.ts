/**
 * The parameters of a query that VS Code has already percent-decoded: a `vscode.Uri`'s `query`, as an extension's
 * URI handler receives it (VS Code parses the redirect `vscode://…/callback?code=…` and decodes each component once).
 * Decoding it again, as `URLSearchParams` does, corrupts a value: `%2B` arrived as `+` and would become a space,
 * `%25` arrived as `%` and would start another escape. So each parameter is taken as it is, split at its first `=`.
 *
 * An `&` of a value (sent as `%26`) now looks like a separator: a piece that does not start a parameter (a name of
 * letters, digits, `_`, `-`, `.` followed by `=`) belongs to the value before it, with its `&`. Only a value holding
 * `&name=` stays ambiguous, and that is not told apart from two parameters once VS Code has decoded it.
 */
export function decodedQueryParameters(query: string): Array<[string, string]> {
  const parameters: Array<[string, string]> = [];
  for (const piece of query.split('&')) {
    const parameter = /^([A-Za-z0-9_.-]+)=/.exec(piece);
    const last = parameters[parameters.length - 1];
    if (parameter !== null) {
      parameters.push([parameter[1], piece.slice(parameter[0].length)]);
    } else if (last !== undefined) {
      last[1] = `${last[1]}&${piece}`;
    } else if (piece !== '') {
      parameters.push([piece, '']);
    }
  }
  return parameters;
}
