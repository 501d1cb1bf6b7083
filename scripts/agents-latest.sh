#!/usr/bin/env bash
# Installs the newest published Claude Code, Codex CLI, Gemini CLI and opencode (npm
# registry, no install scripts) into a temporary folder and runs the agent tests
# (test/agents) against them instead of the pinned devDependencies. Outside CI's
# pass/fail: it shows what a new agent release sends before a user finds out.
# Extra arguments go to vitest (e.g. -t codex).
set -euo pipefail
cd "$(dirname "$0")/.."
dir=$(mktemp -d "${TMPDIR:-/tmp}/switchboard-agents-latest-XXXXXX")
trap 'rm -rf "$dir"' EXIT
echo '{"name":"switchboard-agents-latest","private":true}' > "$dir/package.json"
npm install --prefix "$dir" --no-audit --no-fund --ignore-scripts --loglevel=error \
  @anthropic-ai/claude-code@latest @openai/codex@latest @google/gemini-cli@latest opencode-ai@latest
for pkg in @anthropic-ai/claude-code @openai/codex @google/gemini-cli opencode-ai; do
  echo "$pkg $(node -p "require('$dir/node_modules/$pkg/package.json').version")"
done
SWITCHBOARD_AGENTS_DIR="$dir" npx vitest run test/agents "$@"
