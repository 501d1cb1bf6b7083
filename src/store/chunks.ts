/**
 * Rows cut into the runs one multi-row insert takes. At most 40 rows, which
 * keeps statements small and few in shape (SQLite's statement cache reuses
 * them); fewer when the database caps bound parameters per statement (D1:
 * 100), so that rows × columns fits. Every value of a row is one parameter.
 */
export function rowChunks<T extends object>(rows: T[], maxParams: number): T[][] {
  if (rows.length === 0) return [];
  const columns = Object.keys(rows[0]).length;
  return chunks(rows, Math.max(1, Math.min(40, Math.floor(maxParams / columns))));
}

/** The items cut into runs of at most `size`, in order. */
export function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * SQLite's own cap on bound parameters (since 3.32; PostgreSQL allows
 * 65535): the default where the platform names none.
 */
export const DEFAULT_MAX_PARAMS = 32_766;
