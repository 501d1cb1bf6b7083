/**
 * The tool list of a coding agent's turn, shaped like Claude Code's: about
 * twenty custom tools with draft-07 JSON schemas and descriptions of a few
 * paragraphs (the descriptions are this bench's own words). Part of the
 * Claude-Code-sized request (bench/claude-code-request.ts).
 */
type Schema = Record<string, unknown>;
export interface ToolDefinition {
  name: string;
  description: string;
  input_schema: Schema;
}

const str = (description: string): Schema => ({ type: 'string', description });
const num = (description: string): Schema => ({ type: 'number', description });
const bool = (description: string): Schema => ({ type: 'boolean', description });
const object = (properties: Record<string, Schema>, required: string[]): Schema => ({
  type: 'object',
  properties,
  required,
  additionalProperties: false,
  $schema: 'http://json-schema.org/draft-07/schema#',
});
const notes = (lead: string, items: string[]) => `${lead}\n\nUsage notes:\n${items.map((i) => `- ${i}`).join('\n')}`;

export const TOOLS: ToolDefinition[] = [
  {
    name: 'Task',
    description: notes(
      'Start a sub-agent that works on its own on a self-contained, multi-step job (a wide search, an investigation across many files) and reports back once. The sub-agent has the same tools as you except this one.',
      [
        'Give the sub-agent a complete brief: it sees none of this conversation. Say what to look for, where, and what to return.',
        'Start several sub-agents in one message when their jobs are independent; they run at the same time.',
        'What a sub-agent returns is not shown to the user: summarise it yourself.',
        'Do not use a sub-agent to read one known file or to search for one class name: Read and Grep are faster.',
        'Trust the result, but verify claims about code you are about to change.',
      ],
    ),
    input_schema: object(
      { description: str('A short (3-5 word) name for the job'), prompt: str('The full brief for the sub-agent'), subagent_type: str('Which kind of sub-agent to start') },
      ['description', 'prompt', 'subagent_type'],
    ),
  },
  {
    name: 'Bash',
    description: notes(
      'Run a shell command in a persistent bash session, with an optional timeout. The working directory persists between calls; environment changes made by the command do not.\n\nBefore running a command that creates files or directories, check with LS that the parent exists. Quote paths that contain spaces with double quotes ("path with spaces/file.txt").',
      [
        'The command argument is required. Timeouts are in milliseconds, up to 600000 (10 minutes); the default is 120000 (2 minutes).',
        'Describe what the command does in 5-10 words in the description argument.',
        'Output longer than 30000 characters is cut from the middle.',
        'Set run_in_background to run a long command (a dev server, a watcher) and read its output later with BashOutput. Do not append & yourself.',
        'Do not use find, grep, cat, head, tail, sed or awk to read or search files: Glob, Grep and Read do that better and their output is shown to the user properly.',
        'Chain dependent commands with && and independent ones with ;. Do not use newlines to separate commands (newlines inside quoted strings are fine).',
        'Keep the working directory stable: use absolute paths instead of cd where you can.',
        'Committing: run git status, git diff and git log in parallel first; write a message that says why, not what; never change git config; never push unless asked; never use interactive flags such as -i.',
        'Opening a pull request: look at every commit on the branch since it left the base branch, not only the latest, and use gh for everything GitHub.',
      ],
    ),
    input_schema: object(
      {
        command: str('The command to run'),
        timeout: num('Optional timeout in milliseconds (max 600000)'),
        description: str('What the command does, in 5-10 words, in the active voice. Examples:\nInput: ls\nOutput: List files in current directory\n\nInput: git status\nOutput: Show working tree status'),
        run_in_background: bool('Run the command in the background; read its output later with BashOutput.'),
      },
      ['command'],
    ),
  },
  {
    name: 'Glob',
    description: notes('Find files by name with glob patterns such as "**/*.js" or "src/**/*.ts", in a codebase of any size. Returns the matching paths, most recently modified first.', [
      'Use it when you know (part of) a file name.',
      'For an open-ended search that may take several rounds of globbing and grepping, start a Task instead.',
      'Several searches that might help can be made in one message.',
    ]),
    input_schema: object(
      {
        pattern: str('The glob pattern to match files against'),
        path: str('The directory to search in. Leave it out to search the current working directory; do not pass "undefined" or "null".'),
      },
      ['pattern'],
    ),
  },
  {
    name: 'Grep',
    description: notes('A content search built on ripgrep. Supports full regular expression syntax ("log.*Error", "function\\s+\\w+"), filtering by glob ("*.js", "**/*.tsx") or by file type ("js", "py", "rust").', [
      'Always use Grep for searches; never call grep or rg through Bash. It has the right permissions and output limits.',
      'Output modes: "content" shows matching lines, "files_with_matches" only file paths (the default), "count" match counts.',
      'Ripgrep syntax, not grep: literal braces need escaping (use interface\\{\\} to find interface{} in Go code).',
      'Patterns match within single lines; for patterns that span lines, such as struct \\{[\\s\\S]*?field, set multiline: true.',
      'For open-ended searches that take several rounds, use Task.',
    ]),
    input_schema: object(
      {
        pattern: str('The regular expression to search for in file contents'),
        path: str('File or directory to search in; defaults to the current working directory'),
        glob: str('Glob to filter files (e.g. "*.js", "*.{ts,tsx}"), as rg --glob'),
        output_mode: { type: 'string', enum: ['content', 'files_with_matches', 'count'], description: 'What to show; defaults to "files_with_matches"' },
        '-B': num('Lines of context before each match (rg -B); content mode only'),
        '-A': num('Lines of context after each match (rg -A); content mode only'),
        '-C': num('Lines of context around each match (rg -C); content mode only'),
        '-n': bool('Show line numbers (rg -n); content mode only'),
        '-i': bool('Case-insensitive search (rg -i)'),
        type: str('File type to search (rg --type): js, py, rust, go, java and so on; faster than glob for standard types'),
        head_limit: num('Keep only the first N lines or entries of the output, as | head -N, in every output mode'),
        multiline: bool('Let . match newlines and patterns span lines (rg -U --multiline-dotall); default false'),
      },
      ['pattern'],
    ),
  },
  {
    name: 'LS',
    description: 'List the files and directories under a path. The path must be absolute. Optionally pass glob patterns to leave out. Prefer Glob and Grep when you know what you are looking for.',
    input_schema: object({ path: str('The absolute path of the directory to list'), ignore: { type: 'array', items: { type: 'string' }, description: 'Glob patterns to leave out' } }, ['path']),
  },
  {
    name: 'ExitPlanMode',
    description: notes('Use when you are in plan mode, have finished planning how to implement a task that needs code changes, and are ready to ask the user to approve the plan.', [
      'Only for tasks that need writing code; not for research or for explaining how something works.',
      'The plan is shown to the user as markdown: keep it concise.',
    ]),
    input_schema: object({ plan: str('The plan, in markdown, to put to the user for approval') }, ['plan']),
  },
  {
    name: 'Read',
    description: notes('Read a file from the local filesystem. Any file the user names can be read; if it does not exist, an error comes back. Assume a path the user gives is valid.', [
      'file_path must be absolute.',
      'Up to 2000 lines are read from the start of the file by default; pass offset and limit for long files, but read the whole file when you can.',
      'Lines longer than 2000 characters are cut.',
      'The result is in cat -n format: line numbers start at 1.',
      'Images (PNG, JPG) are shown to you, as this is a multimodal model; PDFs are read page by page, text and images; notebooks come back as their cells with outputs.',
      'Read directories with LS, not with Read.',
      'Read several files that might matter in one message: the reads run in parallel.',
      'Screenshots the user mentions by path can be read too, including temporary paths.',
      'A file that exists but is empty comes back with a reminder saying so.',
    ]),
    input_schema: object(
      {
        file_path: str('The absolute path of the file to read'),
        offset: num('The line to start reading from; only for files too large to read at once'),
        limit: num('How many lines to read; only for files too large to read at once'),
      },
      ['file_path'],
    ),
  },
  {
    name: 'Edit',
    description: notes('Replace exact strings in a file.', [
      'Read the file at least once in this conversation before editing it; an edit without a read fails.',
      'When copying text from Read output, keep the indentation exactly as it appears after the line-number prefix (spaces, then the line number, then a tab); never include any part of the prefix in old_string or new_string.',
      'Prefer editing existing files; create new ones only when asked.',
      'The edit fails when old_string is not unique in the file: give more surrounding context to make it unique, or set replace_all to change every occurrence.',
      'replace_all suits renaming a variable across a file.',
    ]),
    input_schema: object(
      {
        file_path: str('The absolute path of the file to change'),
        old_string: str('The text to replace'),
        new_string: str('The text to put in its place (must differ from old_string)'),
        replace_all: { type: 'boolean', default: false, description: 'Replace every occurrence of old_string (default false)' },
      },
      ['file_path', 'old_string', 'new_string'],
    ),
  },
  {
    name: 'MultiEdit',
    description: notes('Make several edits to one file in one operation; prefer it to several Edit calls on the same file. The edits are applied in order, each to the result of the one before, and either all apply or none does.', [
      'Read the file first; the same exactness rules as Edit apply to every edit.',
      'Plan the edits so that an earlier one does not change the text a later one looks for.',
      'To create a file: a new path, the first edit with an empty old_string and the contents as new_string.',
    ]),
    input_schema: object(
      {
        file_path: str('The absolute path of the file to change'),
        edits: {
          type: 'array',
          minItems: 1,
          description: 'Edits to apply in order',
          items: {
            type: 'object',
            properties: {
              old_string: str('The text to replace'),
              new_string: str('The text to put in its place'),
              replace_all: { type: 'boolean', default: false, description: 'Replace every occurrence (default false)' },
            },
            required: ['old_string', 'new_string'],
            additionalProperties: false,
          },
        },
      },
      ['file_path', 'edits'],
    ),
  },
  {
    name: 'Write',
    description: notes('Write a file, replacing any file at that path.', [
      'An existing file must have been read in this conversation first.',
      'Prefer editing existing files; never write documentation files (*.md, README) unless asked.',
      'No emojis in files unless the user asks for them.',
    ]),
    input_schema: object({ file_path: str('The absolute path of the file to write'), content: str('The content to write') }, ['file_path', 'content']),
  },
  {
    name: 'NotebookEdit',
    description: 'Replace, insert or delete one cell of a Jupyter notebook (.ipynb). notebook_path must be absolute; cell numbers start at 0. edit_mode insert adds a cell at the index, delete removes it.',
    input_schema: object(
      {
        notebook_path: str('The absolute path of the notebook'),
        cell_id: str('The id of the cell to edit; with insert, the new cell goes after it'),
        new_source: str('The new source of the cell'),
        cell_type: { type: 'string', enum: ['code', 'markdown'], description: 'The type of the cell; required for insert' },
        edit_mode: { type: 'string', enum: ['replace', 'insert', 'delete'], description: 'replace (default), insert or delete' },
      },
      ['notebook_path', 'new_source'],
    ),
  },
  {
    name: 'WebFetch',
    description: notes('Fetch a URL, turn its HTML into markdown, and answer a prompt about it with a small fast model. Read-only.', [
      'Prefer a tool from an MCP server that does the same when there is one.',
      'The URL must be complete and valid; http is upgraded to https.',
      'Results are cached for 15 minutes.',
      'When the URL redirects to another host, the answer says so: fetch the new URL.',
    ]),
    input_schema: object({ url: { type: 'string', format: 'uri', description: 'The URL to fetch' }, prompt: str('What to find out from the page') }, ['url', 'prompt']),
  },
  {
    name: 'TodoWrite',
    description: notes(
      'Create and update a structured task list for this session. It helps you track progress, organise complex tasks and show the user that the work is thorough.\n\nUse it for tasks of three or more distinct steps, for non-trivial work that needs planning, when the user gives a list of things to do, and as soon as new instructions arrive. Do not use it for a single straightforward task or for pure conversation.',
      [
        'Task states: pending, in_progress (exactly one at a time), completed.',
        'Mark a task completed as soon as it is done; do not batch completions.',
        'Only mark a task completed when it is fully done: tests pass, the implementation is whole, nothing is left unresolved. Otherwise keep it in_progress and add a task for the blocker.',
        'Each task has two forms: content, the imperative ("Run tests"), and activeForm, the present continuous ("Running tests").',
        'Remove tasks that are no longer relevant.',
      ],
    ),
    input_schema: object(
      {
        todos: {
          type: 'array',
          description: 'The updated todo list',
          items: {
            type: 'object',
            properties: {
              content: { type: 'string', minLength: 1 },
              status: { type: 'string', enum: ['pending', 'in_progress', 'completed'] },
              activeForm: { type: 'string', minLength: 1 },
            },
            required: ['content', 'status', 'activeForm'],
            additionalProperties: false,
          },
        },
      },
      ['todos'],
    ),
  },
  {
    name: 'WebSearch',
    description: notes('Search the web and use the results to answer with information newer than the training data. Returns result blocks with titles and links.', [
      'Domain filters can include or exclude sites.',
      'Account for the current date when writing queries.',
    ]),
    input_schema: object(
      {
        query: { type: 'string', minLength: 2, description: 'The search query' },
        allowed_domains: { type: 'array', items: { type: 'string' }, description: 'Only include results from these domains' },
        blocked_domains: { type: 'array', items: { type: 'string' }, description: 'Never include results from these domains' },
      },
      ['query'],
    ),
  },
  {
    name: 'BashOutput',
    description: 'Read the output of a background shell started with run_in_background: only what it wrote since the last read, with its status. An optional regular expression keeps only the matching lines (the others are consumed too).',
    input_schema: object({ bash_id: str('The id of the background shell'), filter: str('Optional regular expression; only matching lines are returned') }, ['bash_id']),
  },
  {
    name: 'KillShell',
    description: 'Stop a background shell by its id. Returns whether it was stopped.',
    input_schema: object({ shell_id: str('The id of the background shell to stop') }, ['shell_id']),
  },
  {
    name: 'SlashCommand',
    description: 'Run a custom slash command of this project (from .claude/commands) inside the conversation, with its arguments. Only commands listed in the available commands can be run; do not invoke one that is already running.',
    input_schema: object({ command: str('The slash command with its arguments, e.g. "/review-pr 123"') }, ['command']),
  },
  {
    name: 'AskUserQuestion',
    description: 'Ask the user one to four multiple-choice questions when a decision is genuinely theirs (a preference, a trade-off, missing information). Each question has two to four options; the user may also answer in their own words.',
    input_schema: object(
      {
        questions: {
          type: 'array',
          minItems: 1,
          maxItems: 4,
          items: {
            type: 'object',
            properties: {
              question: str('The question, ending with a question mark'),
              header: str('A very short label for the question (at most 12 characters)'),
              multiSelect: bool('Whether several options may be chosen'),
              options: {
                type: 'array',
                minItems: 2,
                maxItems: 4,
                items: {
                  type: 'object',
                  properties: { label: str('The option as shown (1-5 words)'), description: str('What choosing it means') },
                  required: ['label', 'description'],
                  additionalProperties: false,
                },
              },
            },
            required: ['question', 'header', 'options', 'multiSelect'],
            additionalProperties: false,
          },
        },
      },
      ['questions'],
    ),
  },
  {
    name: 'Skill',
    description: 'Load a skill (a folder of instructions and scripts for a specialised task) into the conversation by name. Skills listed as available can be loaded; a loaded skill stays loaded.',
    input_schema: object({ command: str('The name of the skill, e.g. "pdf" or "xlsx"') }, ['command']),
  },
  {
    name: 'mcp__ide__getDiagnostics',
    description: 'Get the language diagnostics (type errors, lint warnings) the editor shows, for one file or for every open file.',
    input_schema: object({ uri: str('Optional file URI; leave it out for every file') }, []),
  },
];
