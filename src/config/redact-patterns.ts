/**
 * The operator's own redaction patterns (`logging.redact.patterns`): the
 * file's schema checks them here, policy/redact.ts compiles them the same way.
 */

/** A custom pattern as a global regex (throws SyntaxError when it is not one). */
export function compilePattern(source: string): RegExp {
  return new RegExp(source, 'g');
}

/** What is wrong with each custom pattern that cannot be used, by its index in the list. */
export function patternProblems(patterns: readonly string[]): { index: number; message: string }[] {
  const problems: { index: number; message: string }[] = [];
  for (const [index, source] of patterns.entries()) {
    try {
      if (compilePattern(source).test('')) problems.push({ index, message: 'matches the empty string, which would put a marker between every character' });
    } catch (err) {
      problems.push({ index, message: `not a valid regular expression: ${(err as Error).message}` });
    }
  }
  return problems;
}
