// The `mimsy` command. Only commander loads up front; each command's module (and @mimsy/core)
// is imported when that command runs, so `mimsy --help` starts fast.
import { Command, Option } from 'commander';
// A tiny module (no server code): the environment variables that `serve --help` lists.
import { ENVIRONMENT } from '@mimsy/api/settings';
// The error catalogue alone (a small module), so that --help stays fast.
import { ERROR_CATALOGUE } from '@mimsy/core/errors';

export type Loaded = {
  run: (options: never) => Promise<unknown>;
  render?: (result: never) => string;
  exitCode?: (result: never) => number;
  longRunning?: boolean;
};

interface Global {
  cwd?: string;
  json?: boolean;
}

/** Codes whose cause the person running the command can fix (exit 1), from core's catalogue. */
const USER_CODES: ReadonlySet<string> = new Set(
  Object.entries(ERROR_CATALOGUE)
    .filter(([, { userFixable }]) => userFixable)
    .map(([code]) => code),
);

/** Exit code for an error: 1 for mistakes the user can fix, 2 for anything else. */
function classify(error: unknown): {
  code: number;
  body: { code: string; message: string; details?: unknown };
} {
  const e = error as { name?: string; code?: string; message?: string; details?: unknown };
  if (e?.name === 'UserError')
    return {
      code: 1,
      body: {
        code: 'MIMSY_ERR_USER',
        message: e.message ?? '',
        ...(e.details !== undefined ? { details: e.details } : {}),
      },
    };
  if (typeof e?.code === 'string' && USER_CODES.has(e.code))
    return {
      code: 1,
      body: {
        code: e.code,
        message: e.message ?? '',
        ...(e.details !== undefined ? { details: e.details } : {}),
      },
    };
  if (e?.name === 'SettingsError')
    return { code: 1, body: { code: 'MIMSY_ERR_CONFIG', message: e.message ?? '' } };
  return {
    code: 2,
    body: {
      code: 'MIMSY_ERR_INTERNAL',
      message: `Internal error: ${e?.message ?? String(error)}. This is a bug in Mimsy; please report it with the command you ran.`,
    },
  };
}

function issueLines(details: unknown): string[] {
  const issues = (
    details as { issues?: { path?: string; message: string; file?: string; fix?: string }[] } | undefined
  )?.issues;
  return (issues ?? []).map(
    (i) => `  ${i.file ? i.file + ' ' : ''}${i.path || '/'} ${i.message}${i.fix ? ` — ${i.fix}` : ''}`,
  );
}

/** What runs a command: given how to load its module, the action commander calls. */
export type Runner = (load: () => Promise<Loaded>) => (this: Command, ...args: unknown[]) => Promise<void>;

/** Every command, option and help text (main() runs it; the docs test reads it). */
export function createProgram(runner: Runner): Command {
  const program = new Command();
  program
    .name('mimsy')
    .description(
      'Mimsy: content in Git. Scaffold schemas, create and validate entries, sync, serve the admin, export for site builds.',
    )
    .version('0.1.0', '-v, --version')
    .option('--cwd <dir>', 'run as if started in <dir> (the repository is found by walking up from it)')
    .option('--json', 'print machine-readable JSON instead of text')
    .showHelpAfterError('(run "mimsy --help" for usage)')
    .addHelpText(
      'after',
      '\nExamples:\n  mimsy init my-site --template blog\n  mimsy schema new recipes --field title:string! --field minutes:number\n  mimsy new posts --set title="Hello there"\n  mimsy validate\n  mimsy serve --port 4000\n\nExit codes: 0 ok, 1 something to fix (the message says what), 2 internal error.',
    );

  program
    .command('init [dir]')
    .description('create a content repository (config, schemas, content folders, .gitignore) and commit it')
    .addOption(
      new Option('--template <name>', 'what to start from').choices(['blog', 'empty']).default('empty'),
    )
    .addOption(
      new Option(
        '--from <generator>',
        'adopt the existing site in [dir] as it is: detect its content, infer schemas, change no file',
      ).choices(['auto', 'hugo', 'jekyll', 'astro', 'eleventy']),
    )
    .option('--nested', 'create it even inside another Mimsy repository (which will then hold it)')
    .addHelpText(
      'after',
      '\nExamples:\n  mimsy init                      # here, empty\n  mimsy init my-blog --template blog\n  mimsy init --from auto          # adopt the Hugo/Jekyll/Astro/Eleventy site in this folder',
    )
    .action(runner(() => import('./commands/init.js')));

  const schema = program.command('schema').description('create, list, check and infer content types');
  schema
    .command('new <name>')
    .description(
      'write schemas/<name>.json and its content folder (asks for fields on a TTY when none are given)',
    )
    .option('--singleton', 'one file instead of a folder of entries')
    .addOption(new Option('--format <format>', 'file format').choices(['markdown', 'json']))
    .option(
      '--field <name:type[!]>',
      'a field; "!" makes it required (repeat for more)',
      (v: string, all: string[] = []) => [...all, v],
    )
    .option('--label <label>', 'name shown in the admin')
    .addHelpText(
      'after',
      '\nField types: string text markdown number boolean date datetime select list object relation image file url email color slug\n\nExamples:\n  mimsy schema new posts --field title:string! --field date:datetime --field body:markdown\n  mimsy schema new settings --singleton --format json --field title:string!',
    )
    .action(runner(() => import('./commands/schema-new.js')));
  schema
    .command('list')
    .description('list content types with their entry counts')
    .action(runner(() => import('./commands/schema-list.js')));
  schema
    .command('check')
    .description('explain every mistake in the schema files (file, JSON path, fix)')
    .action(runner(() => import('./commands/schema-check.js')));
  schema
    .command('infer <folder>')
    .description(
      'write a schema that every Markdown/JSON file in <folder> passes (e.g. a Hugo or Astro content folder)',
    )
    .option('--name <name>', 'schema name (default: the folder name)')
    .option('--write', 'write schemas/<name>.json (default: print it)')
    .addHelpText(
      'after',
      '\nExamples:\n  mimsy schema infer content/blog\n  mimsy schema infer src/content/posts --name posts --write',
    )
    .action(runner(() => import('./commands/schema-infer.js')));

  program
    .command('new <schema> [slug]')
    .description('create an entry from the schema defaults and commit it')
    .option(
      '--set <key=value>',
      'set a field (repeat); lists take commas or JSON, objects JSON',
      (v: string, all: string[] = []) => [...all, v],
    )
    .option('--body <text>', 'the Markdown body')
    .option('--edit', 'open $EDITOR on the new entry before committing (TTY only)')
    .addHelpText(
      'after',
      '\nExamples:\n  mimsy new posts --set title="Hello there" --set tags=intro,news\n  mimsy new authors ada --set name="Ada Lovelace"',
    )
    .action(runner(() => import('./commands/new.js')));

  program
    .command('validate')
    .description(
      'check every entry (schema, relations, uniqueness, parse errors); exit 1 when anything is wrong',
    )
    .option('--format <format>', 'text (default) or github: GitHub Actions annotations on the lines', 'text')
    .option('--watch', 'validate again whenever a file changes (Ctrl+C to stop)')
    .addHelpText(
      'after',
      '\nEach problem is reported as file:line:column. Use it as a CI step in a site repository:\n  npx mimsy validate --format github',
    )
    .action(runner(() => import('./commands/validate.js')));

  program
    .command('sync')
    .description(
      'fetch, rebase local commits onto the remote, push; conflicts are explained and nothing is lost',
    )
    .option('--remote <name>', 'remote (default: config git.remote)')
    .option('--branch <name>', 'branch (default: config git.branch)')
    .option('--autostash', 'stash uncommitted changes for the duration of the sync')
    .action(runner(() => import('./commands/sync.js')));

  for (const name of ['serve', 'dev'] as const) {
    program
      .command(name)
      .description(
        name === 'serve'
          ? 'run the API and admin on this repository'
          : 'like serve, and restart when schemas change',
      )
      .option('--host <host>', 'address to listen on', process.env.MIMSY_HOST ?? '127.0.0.1')
      .option('--port <port>', 'port', process.env.MIMSY_PORT ?? '4000')
      .option('--users-file <file>', 'users file (default: MIMSY_USERS_FILE or .mimsy/users.json)')
      .option('--open', 'open the admin in a browser')
      .addHelpText(
        'after',
        `\nFlags override these environment variables (the mimsy-api server reads only them):\n${ENVIRONMENT.map(([n, m]) => `  ${n.padEnd(22)} ${m}`).join('\n')}\n\nExample:\n  mimsy ${name} --port 4100 --open`,
      )
      .action(
        runner(async () => ({
          ...(await import('./commands/serve.js')),
          run: async (o: never) =>
            (await import('./commands/serve.js')).run({
              ...(o as object),
              watchSchemas: name === 'dev',
            } as never),
        })),
      );
  }

  program
    .command('export')
    .description('write all content as JSON for site builds (validated first)')
    .option('--out <file>', 'write to a file instead of stdout')
    .option('--split <dir>', 'one file per schema in <dir>')
    .option('--drafts', 'include entries whose "draft" field is true')
    .action(runner(() => import('./commands/export.js')));

  program
    .command('types')
    .description('generate TypeScript types for every schema')
    .option('--out <file>', 'write to a file instead of stdout')
    .addHelpText(
      'after',
      '\nExample:\n  mimsy types --out src/content.d.ts\n  # then: createReader<MimsyCollections, MimsySingletons>(".")',
    )
    .action(runner(() => import('./commands/types.js')));

  const user = program.command('user').description('manage the users file the API reads (never committed)');
  const usersFile = new Option(
    '--users-file <file>',
    'users file (default: MIMSY_USERS_FILE or .mimsy/users.json)',
  );
  user
    .command('add <name>')
    .description('add a user (or replace their password and role)')
    .addOption(new Option('--role <role>', 'role').choices(['viewer', 'editor', 'admin']).default('editor'))
    .option('--email <email>', 'email address')
    .option(
      '--password-stdin',
      'read the password from standard input (else: asked on a TTY, or generated and printed)',
    )
    .addOption(usersFile)
    .addHelpText(
      'after',
      '\nExample:\n  echo "$PASSWORD" | mimsy user add ada --role editor --email ada@example.com --password-stdin',
    )
    .action(
      runner(async () => ({
        ...(await import('./commands/user.js')),
        run: (await import('./commands/user.js')).add,
      })),
    );
  user
    .command('list')
    .description('list users')
    .addOption(usersFile)
    .action(
      runner(async () => ({
        ...(await import('./commands/user.js')),
        run: (await import('./commands/user.js')).list,
        render: (await import('./commands/user.js')).renderList,
      })),
    );
  user
    .command('remove <name>')
    .description('remove a user')
    .addOption(usersFile)
    .action(
      runner(async () => ({
        ...(await import('./commands/user.js')),
        run: (await import('./commands/user.js')).remove,
      })),
    );
  user
    .command('passwd <name>')
    .description("change a user's password (ends their sessions)")
    .option('--password-stdin', 'read the password from standard input')
    .addOption(usersFile)
    .action(
      runner(async () => ({
        ...(await import('./commands/user.js')),
        run: (await import('./commands/user.js')).passwd,
      })),
    );
  user
    .command('token <name>')
    .description('create a bearer token for automation (printed once)')
    .addOption(usersFile)
    .action(
      runner(async () => ({
        ...(await import('./commands/user.js')),
        run: (await import('./commands/user.js')).token,
      })),
    );

  program
    .command('status')
    .description('branch, sync state, uncommitted changes, content types and problems')
    .action(runner(() => import('./commands/status.js')));
  program
    .command('log [entry]')
    .description('content history: every content commit, or one entry\'s ("posts/hello-world")')
    .option('--limit <n>', 'how many commits', '20')
    .action(runner(() => import('./commands/log.js')));

  return program;
}

export async function main(argv: string[]): Promise<void> {
  let exitCode = 0;
  let keepRunning = false;
  const runner = (load: () => Promise<Loaded>) =>
    async function (this: Command, ...args: unknown[]): Promise<void> {
      const command = args[args.length - 1] as Command;
      const global = command.optsWithGlobals<Global>();
      const options = {
        ...command.opts(),
        cwd: global.cwd ?? process.cwd(),
        json: global.json === true,
        args: command.args,
        processedArgs: command.processedArgs,
      };
      try {
        const mod = await load();
        const result = await mod.run(options as never);
        if (global.json) process.stdout.write(JSON.stringify(result, null, 2) + '\n');
        else if (mod.render) {
          const text = mod.render(result as never);
          if (text) process.stdout.write(text.endsWith('\n') ? text : text + '\n');
        }
        exitCode = mod.exitCode ? mod.exitCode(result as never) : 0;
        keepRunning = mod.longRunning === true;
      } catch (error) {
        const { code, body } = classify(error);
        if (global.json) process.stdout.write(JSON.stringify({ error: body }, null, 2) + '\n');
        else process.stderr.write(['Error: ' + body.message, ...issueLines(body.details)].join('\n') + '\n');
        if (code === 2 && process.env.MIMSY_DEBUG) process.stderr.write(`${(error as Error).stack}\n`);
        exitCode = code;
      }
    };

  const program = createProgram(runner);
  await program.parseAsync(argv);
  process.exitCode = exitCode;
  // The only exit. A running server (serve, dev) stops on its own signal handlers instead. Output
  // to a pipe is written asynchronously once the pipe is full: exiting at once would cut a large
  // report at 64 KB, so the exit waits until everything written has gone out.
  if (keepRunning) return;
  await Promise.all([process.stdout, process.stderr].map((s) => new Promise((done) => s.write('', done))));
  process.exit(exitCode);
}
