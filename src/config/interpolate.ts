import { formatPath } from '../protocols/format-path.js';

/**
 * Replaces `${NAME}` and `${NAME:-default}` in every string value of the
 * parsed config with values from the environment (comments are never
 * touched). Every missing variable is reported with where it was used.
 * `$${NAME}` stays literal (`${NAME}`).
 */
export function interpolateEnv(value: unknown, env: Record<string, string | undefined>): { value: unknown; missing: string[] } {
  const missing: string[] = [];
  const walk = (node: unknown, path: (string | number)[]): unknown => {
    if (typeof node === 'string') return replace(node, env, (name) => missing.push(`${formatPath(path)}: environment variable ${name} is not set`));
    if (Array.isArray(node)) return node.map((item, i) => walk(item, [...path, i]));
    if (node && typeof node === 'object')
      return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, walk(v, [...path, k])]));
    return node;
  };
  return { value: walk(value, []), missing };
}

function replace(text: string, env: Record<string, string | undefined>, onMissing: (name: string) => void): string {
  return text.replace(
    /\$(\$?)\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g,
    (whole, escape: string, name: string, fallback: string | undefined) => {
      if (escape) return whole.slice(1);
      const found = env[name];
      if (found !== undefined && found !== '') return found;
      if (fallback !== undefined) return fallback;
      onMissing(name);
      return '';
    },
  );
}
