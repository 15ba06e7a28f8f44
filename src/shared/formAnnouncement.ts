/** What the form says aloud after a failed save: how many problems, and which fields hold them. */

/** "A", "A and B", "A, B and C": the field labels in quotes, in the order given. */
function listOf(labels: readonly string[]): string {
  const quoted = labels.map((label) => `"${label}"`);
  return quoted.length <= 1 ? (quoted[0] ?? '') : `${quoted.slice(0, -1).join(', ')} and ${quoted[quoted.length - 1]}`;
}

/**
 * The status line of a failed save, e.g. `Not saved: 2 problems to fix, in "Name" and "Token URL".` `fieldLabels`
 * are the labels of the fields with problems, in the form's order, each once; `count` is the number of problems.
 */
export function notSavedAnnouncement(count: number, fieldLabels: readonly string[]): string {
  const problems = count === 1 ? '1 problem' : `${count} problems`;
  const labels = [...new Set(fieldLabels)];
  return labels.length > 0 ? `Not saved: ${problems} to fix, in ${listOf(labels)}.` : `Not saved: ${problems} to fix.`;
}
