import type { AgentSetup, FilePlace, SetupFile } from './agents.js';

/**
 * The POSIX sh script of a setup (`curl -fsSL …/claude.sh | sh`). Values are
 * single-quoted shell words, so nothing in them is expanded. JSON files are
 * merged by node, else python3, else written fresh next to a backup; the
 * patch reaches them in the environment, never on a command line (which
 * other users can read in `ps`). The key is never printed.
 */
export function posixScript(setup: AgentSetup, intro: { baseUrl: string; keyPrefix: string; model: string | undefined }): string {
  return [
    '#!/bin/sh',
    `# Switchboard: sets up ${setup.title} to use ${oneLine(intro.baseUrl)}.`,
    '# Each file it changes is merged, not replaced, and backed up first as FILE.switchboard-backup-<time>.',
    'set -eu',
    'umask 077',
    'sb_stamp=$(date +%Y%m%d-%H%M%S)',
    "sb_say() { printf 'switchboard: %s\\n' \"$*\"; }",
    "sb_fail() { printf 'switchboard: %s\\n' \"$*\" >&2; exit 1; }",
    '[ -n "${HOME:-}" ] || sb_fail "HOME is not set"',
    HELPERS,
    ...setup.files.flatMap(fileSteps),
    `sb_say ${sq(`${setup.title} now uses ${intro.baseUrl} with key ${intro.keyPrefix}${intro.model ? ` and model ${intro.model}` : ''}. Start it with: ${setup.command}`)}`,
    '',
  ].join('\n');
}

/** The body of a link that is used, expired or unknown: it fails loudly under `| sh`. */
export function posixRefusal(message: string): string {
  return ['#!/bin/sh', `printf '%s\\n' ${sq(`switchboard: ${message}`)} >&2`, 'exit 1', ''].join('\n');
}

function fileSteps(file: SetupFile): string[] {
  const steps = [...placeSteps(file.place)];
  switch (file.kind) {
    case 'json':
      steps.push(`sb_patch=${sq(JSON.stringify(file.patch))}`, 'sb_backup "$sb_file"', 'sb_merge_json "$sb_file"', 'unset sb_patch');
      break;
    case 'env':
      steps.push('sb_backup "$sb_file"', ...Object.entries(file.values).map(([name, value]) => `sb_set_env "$sb_file" ${sq(name)} ${sq(value)}`));
      break;
    case 'toml':
      steps.push(
        `sb_toml_top=${sq(Object.entries(file.top).map(([k, v]) => `${k} = ${v}`).join('\n'))}`,
        `sb_toml_table=${sq([`[${file.table}]`, ...Object.entries(file.lines).map(([k, v]) => `${k} = ${v}`)].join('\n'))}`,
        `sb_toml_names=${sq(`^(${Object.keys(file.top).join('|')})[ \\t]*=`)}`,
        `sb_toml_header=${sq(`[${file.table}]`)}`,
        'sb_backup "$sb_file"',
        'sb_merge_toml "$sb_file"',
      );
      break;
    default:
      return file satisfies never;
  }
  steps.push(`sb_say "wrote $sb_file:" ${sq(file.says)}`);
  return steps;
}

function placeSteps(place: FilePlace): string[] {
  const home = `"$HOME/${place.homeDir}"`;
  const dir = place.envDir
    ? `if [ -n "\${${place.envDir.name}:-}" ]; then sb_dir="$${place.envDir.name}${place.envDir.sub ? `/${place.envDir.sub}` : ''}"; else sb_dir=${home}; fi`
    : `sb_dir=${home}`;
  return [dir, 'mkdir -p "$sb_dir"', `sb_file="$sb_dir/${place.file}"`];
}

/** Shell functions the steps use; no value of the setup is in them. Double quotes only inside (they sit in single-quoted words). */
const NODE_MERGE = [
  'const fs = require("fs");',
  'const file = process.env.SB_FILE, patch = JSON.parse(process.env.SB_PATCH);',
  'const text = fs.existsSync(file) ? fs.readFileSync(file, "utf8") : "";',
  'const current = text.trim() ? JSON.parse(text) : {};',
  'const isObject = (v) => v !== null && typeof v === "object" && !Array.isArray(v);',
  'if (!isObject(current)) throw new Error(file + " does not hold a JSON object");',
  'const merge = (a, b) => { for (const [k, v] of Object.entries(b)) a[k] = isObject(v) && isObject(a[k]) ? merge(a[k], v) : v; return a; };',
  'fs.writeFileSync(file, JSON.stringify(merge(current, patch), null, 2) + "\\n", { mode: 0o600 });',
].join('\n');

const PYTHON_MERGE = [
  'import json, os',
  'path, patch = os.environ["SB_FILE"], json.loads(os.environ["SB_PATCH"])',
  'text = open(path).read() if os.path.exists(path) else ""',
  'current = json.loads(text) if text.strip() else {}',
  'if not isinstance(current, dict): raise SystemExit(path + " does not hold a JSON object")',
  'def merge(a, b):',
  '    for k, v in b.items():',
  '        a[k] = merge(a[k], v) if isinstance(v, dict) and isinstance(a.get(k), dict) else v',
  '    return a',
  'out = os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w")',
  'json.dump(merge(current, patch), out, indent=2)',
  'out.write("\\n")',
  'out.close()',
].join('\n');

/** Drops the replaced top-level lines (before the first table) and the replaced table with its sub-tables. */
const AWK_TOML = [
  '/^[ \\t]*\\[/ { intable = 1; h = $0; gsub(/[ \\t]/, "", h); sub(/\\].*$/, "]", h)',
  '  skip = (h == header || index(h, substr(header, 1, length(header) - 1) ".") == 1) }',
  '!intable && $0 ~ names { next }',
  'skip { next }',
  '{ print }',
].join('\n');

const HELPERS = [
  'sb_backup() {',
  '  if [ -f "$1" ]; then cp "$1" "$1.switchboard-backup-$sb_stamp"; sb_say "backed up $1 to $1.switchboard-backup-$sb_stamp"; fi',
  '}',
  `sb_node_merge=${sq(NODE_MERGE)}`,
  `sb_python_merge=${sq(PYTHON_MERGE)}`,
  'sb_merge_json() {',
  '  if command -v node >/dev/null 2>&1; then',
  '    SB_FILE="$1" SB_PATCH="$sb_patch" node -e "$sb_node_merge" || sb_fail "could not merge into $1 (left as it was)"',
  '  elif command -v python3 >/dev/null 2>&1; then',
  '    SB_FILE="$1" SB_PATCH="$sb_patch" python3 -c "$sb_python_merge" || sb_fail "could not merge into $1 (left as it was)"',
  '  else',
  '    [ -f "$1" ] && sb_say "neither node nor python3 is here to merge JSON: $1 is written fresh (the backup above keeps what it held)"',
  `    printf '%s\\n' "$sb_patch" > "$1"`,
  '  fi',
  '}',
  'sb_set_env() {',
  '  if [ -f "$1" ]; then grep -v -E "^(export[[:space:]]+)?$2=" "$1" > "$1.switchboard-tmp" || true; else : > "$1.switchboard-tmp"; fi',
  `  printf '%s=%s\\n' "$2" "$3" >> "$1.switchboard-tmp"`,
  '  mv "$1.switchboard-tmp" "$1"',
  '}',
  `sb_awk_toml=${sq(AWK_TOML)}`,
  'sb_merge_toml() {',
  '  {',
  `    printf '%s\\n' "$sb_toml_top"`,
  '    if [ -f "$1" ]; then awk -v names="$sb_toml_names" -v header="$sb_toml_header" "$sb_awk_toml" "$1"; fi',
  `    printf '\\n%s\\n' "$sb_toml_table"`,
  '  } > "$1.switchboard-tmp"',
  '  mv "$1.switchboard-tmp" "$1"',
  '}',
].join('\n');

/** A single-quoted shell word: nothing inside is expanded; a quote is closed, escaped and reopened. */
export function sq(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

function oneLine(text: string): string {
  return text.replace(/[\r\n]/g, ' ');
}
