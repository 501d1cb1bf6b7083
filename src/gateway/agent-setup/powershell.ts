import type { AgentSetup, FilePlace, SetupFile } from './agents.js';

/**
 * The PowerShell script of a setup (`irm …/claude.ps1 | iex`), for Windows
 * PowerShell 5.1 and PowerShell 7. The same files and values as the sh
 * script (posix.ts): JSON merged with ConvertFrom-Json / ConvertTo-Json,
 * dotenv lines and Codex's TOML rewritten line by line, each file backed up
 * first. Values are single-quoted strings (nothing expanded) and JSON
 * patches single-quoted here-strings. It runs inside a script block so that
 * an error stops it without closing the shell `iex` runs in. The key is never printed.
 */
export function powershellScript(setup: AgentSetup, intro: { baseUrl: string; keyPrefix: string; model: string | undefined }): string {
  return [
    `# Switchboard: sets up ${setup.title} to use ${intro.baseUrl.replace(/[\r\n]/g, ' ')}.`,
    '# Each file it changes is merged, not replaced, and backed up first as FILE.switchboard-backup-<time>.',
    '& {',
    "$ErrorActionPreference = 'Stop'",
    HELPERS,
    ...setup.files.flatMap(fileSteps),
    `Say ${psq(`${setup.title} now uses ${intro.baseUrl} with key ${intro.keyPrefix}${intro.model ? ` and model ${intro.model}` : ''}. Start it with: ${setup.command}`)}`,
    '}',
    '',
  ].join('\n');
}

/** The body of a link that is used, expired or unknown: an error under `| iex`. */
export function powershellRefusal(message: string): string {
  return `throw ${psq(`switchboard: ${message}`)}\n`;
}

function fileSteps(file: SetupFile): string[] {
  const steps = [...placeSteps(file.place)];
  switch (file.kind) {
    case 'json':
      steps.push('Backup-File $file', `Merge-Json $file ${hereString(JSON.stringify(file.patch))}`);
      break;
    case 'env':
      steps.push('Backup-File $file', ...Object.entries(file.values).map(([name, value]) => `Set-EnvLine $file ${psq(name)} ${psq(value)}`));
      break;
    case 'toml':
      steps.push(
        'Backup-File $file',
        `Merge-Toml $file @(${Object.entries(file.top).map(([k, v]) => psq(`${k} = ${v}`)).join(', ')}) @(${Object.keys(file.top).map(psq).join(', ')}) ${psq(`[${file.table}]`)} @(${Object.entries(file.lines).map(([k, v]) => psq(`${k} = ${v}`)).join(', ')})`,
      );
      break;
    default:
      return file satisfies never;
  }
  steps.push(`Say ("wrote $file" + ': ' + ${psq(file.says)})`);
  return steps;
}

function placeSteps(place: FilePlace): string[] {
  const home = `(Join-Path $HOME ${psq(place.homeDir)})`;
  const dir = place.envDir
    ? `$dir = if ($env:${place.envDir.name}) { ${place.envDir.sub ? `Join-Path $env:${place.envDir.name} ${psq(place.envDir.sub)}` : `$env:${place.envDir.name}`} } else { ${home} }`
    : `$dir = ${home}`;
  return [dir, 'New-Item -ItemType Directory -Force -Path $dir | Out-Null', `$file = Join-Path $dir ${psq(place.file)}`];
}

const HELPERS = String.raw`$stamp = Get-Date -Format 'yyyyMMdd-HHmmss'
function Say($text) { Write-Host "switchboard: $text" }
function Write-Text($path, $text) { [System.IO.File]::WriteAllText($path, $text, (New-Object System.Text.UTF8Encoding $false)) }
function Backup-File($path) {
  if (Test-Path -LiteralPath $path) { Copy-Item -LiteralPath $path -Destination "$path.switchboard-backup-$stamp"; Say "backed up $path to $path.switchboard-backup-$stamp" }
}
function Merge-Object($into, $from) {
  foreach ($p in $from.PSObject.Properties) {
    $have = $into.PSObject.Properties[$p.Name]
    if ($have -and $have.Value -is [System.Management.Automation.PSCustomObject] -and $p.Value -is [System.Management.Automation.PSCustomObject]) { Merge-Object $have.Value $p.Value }
    elseif ($have) { $into.($p.Name) = $p.Value }
    else { $into | Add-Member -NotePropertyName $p.Name -NotePropertyValue $p.Value }
  }
}
function Merge-Json($path, $patch) {
  $current = [pscustomobject]@{}
  if (Test-Path -LiteralPath $path) {
    $text = [System.IO.File]::ReadAllText($path)
    if ($text.Trim()) { $current = $text | ConvertFrom-Json }
  }
  if ($current -isnot [System.Management.Automation.PSCustomObject]) { throw "switchboard: $path does not hold a JSON object (left as it was)" }
  Merge-Object $current ($patch | ConvertFrom-Json)
  Write-Text $path (($current | ConvertTo-Json -Depth 64) + "` + '`n' + String.raw`")
}
function Set-EnvLine($path, $name, $value) {
  $lines = @()
  if (Test-Path -LiteralPath $path) { $lines = @([System.IO.File]::ReadAllLines($path) | Where-Object { $_ -notmatch ('^(export\s+)?' + [regex]::Escape($name) + '=') }) }
  $lines += "$name=$value"
  Write-Text $path (($lines -join "` + '`n' + String.raw`") + "` + '`n' + String.raw`")
}
function Merge-Toml($path, $top, $names, $header, $lines) {
  $out = New-Object System.Collections.Generic.List[string]
  foreach ($l in $top) { $out.Add($l) }
  if (Test-Path -LiteralPath $path) {
    $inTable = $false; $skip = $false
    $pattern = '^(' + (($names | ForEach-Object { [regex]::Escape($_) }) -join '|') + ')\s*='
    foreach ($line in [System.IO.File]::ReadAllLines($path)) {
      if ($line -match '^\s*\[') {
        $inTable = $true
        $h = ($line -replace '\s', '') -replace '\].*$', ']'
        $skip = ($h -eq $header) -or $h.StartsWith($header.Substring(0, $header.Length - 1) + '.')
      }
      if (-not $inTable -and $line -match $pattern) { continue }
      if ($skip) { continue }
      $out.Add($line)
    }
  }
  $out.Add('')
  $out.Add($header)
  foreach ($l in $lines) { $out.Add($l) }
  Write-Text $path (($out -join "` + '`n' + String.raw`") + "` + '`n' + String.raw`")
}`;

/** A single-quoted PowerShell string: nothing inside is expanded; a quote is doubled. */
export function psq(text: string): string {
  return `'${text.replace(/['\u2018\u2019\u201a\u201b]/g, (q) => q + q)}'`;
}

/** A single-quoted here-string: taken verbatim up to a line starting with `'@` (JSON on one line never starts so). */
function hereString(text: string): string {
  return `@'\n${text}\n'@`;
}
