#!/usr/bin/env node
import 'reflect-metadata';
import { validate } from 'class-validator';
import { Command, CommanderError } from 'commander';
import { ConfigError, isMysqlUrl } from '../core/config/config';
import { AppError } from '../core/errors/app-error';
import { configuredPeppers } from '../core/secrets/pepper';
import { parseSecret } from '../core/secrets/secret-format';
import { ACCESS_TOKEN_PREFIXES } from '../modules/access-token/access-token.issuer';
import { CreateUserInput, PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from '../modules/user/user.types';
import { CommandFailure, Operator, operatorConfig, readSecret, withDatabase } from './operator';
import { pepperStatus } from './pepper-status';

// Exit codes, as CLI users expect: 0 done, 1 the command failed, 2 the command line was wrong.
const EXIT_FAILURE = 1;
const EXIT_USAGE = 2;

const say = (line: string): void => void process.stdout.write(`${line}\n`);

/** An account named on the command line, or a one-line failure. */
async function userNamed(operator: Operator, emailOrId: string) {
  const user = await operator.services.users.findByEmailOrId(operator.ctx, emailOrId);
  if (!user) throw new CommandFailure(`no user ${emailOrId}`);
  return user;
}

function checkPassword(password: string): void {
  if (password.length < PASSWORD_MIN_LENGTH || password.length > PASSWORD_MAX_LENGTH) {
    throw new CommandFailure(`the password must be ${PASSWORD_MIN_LENGTH} to ${PASSWORD_MAX_LENGTH} characters`);
  }
}

/** Where the database is, without its credentials. */
function describeDatabase(url: string): string {
  if (!isMysqlUrl(url)) return `SQLite ${url}`;
  const parsed = new URL(url);
  return `${parsed.protocol.replace(':', '')} ${parsed.hostname}:${parsed.port || 3306}${parsed.pathname}`;
}

function program(): Command {
  const cli = new Command('tessera')
    .description('Operate a Tessera database: migrations, locked-out admins, revocations, clean-up, pepper rotation.\nReads DATABASE_URL and the TESSERA_* settings (and ./.env) as the server does.')
    .showHelpAfterError('(tessera --help lists the commands)')
    .exitOverride();

  cli
    .command('migrate')
    .description('apply the pending database migrations')
    .action(() =>
      withDatabase(async ({ services, ctx, applied }) => {
        if (!applied.length) return say('The database is up to date.');
        await ctx.transaction((tx) => services.audit.record(tx, ctx, { action: 'migrate', detail: { applied } }));
        say(`Applied ${applied.length} migration(s): ${applied.join(', ')}.`);
      }, { migrate: true }),
    );

  cli
    .command('create-admin')
    .description('create a platform admin; the password is read from standard input (or prompted for), never from the command line')
    .requiredOption('--email <email>', 'sign-in e-mail address')
    .option('--name <displayName>', 'name shown to other users', 'Platform admin')
    .action(async (options: { email: string; name: string }) => {
      const password = await readSecret('Password', true);
      const input = Object.assign(new CreateUserInput(), { email: options.email, displayName: options.name, password, isPlatformAdmin: true });
      const [problem] = await validate(input);
      if (problem) throw new CommandFailure(`${problem.property === 'displayName' ? '--name' : problem.property === 'email' ? '--email' : 'the password'}: ${Object.values(problem.constraints ?? {})[0] ?? 'is invalid'}`);
      await withDatabase(async ({ services, ctx }) => {
        const user = await services.users.create(ctx, input);
        say(`Created platform admin ${user.email} (id ${user.id}).`);
      });
    });

  cli
    .command('reset-password')
    .argument('<email|id>', 'the person whose password to set')
    .description("set a person's password without the current one (a locked-out admin); the new password is read from standard input (or prompted for). Their sessions end; a sign-in throttle block ends with its window")
    .action(async (emailOrId: string) => {
      const password = await readSecret('New password', true);
      checkPassword(password);
      await withDatabase(async (operator) => {
        const user = await operator.services.users.resetPassword(operator.ctx, (await userNamed(operator, emailOrId)).id, password);
        say(`Password of ${user.email} reset; their sessions ended.`);
      });
    });

  cli
    .command('revoke-token')
    .argument('[id]', "the access token's id")
    .description('revoke an access token, by id or, with --value, by its secret read from standard input (never from the command line)')
    .option('--value', 'read the secret from standard input and revoke the token it belongs to')
    .option('--reason <reason>', 'why (shown with the token)', 'revoked by an operator')
    .action(async (id: string | undefined, options: { value?: boolean; reason: string }) => {
      if (!!id === !!options.value) cli.error('revoke-token: give either a token id or --value', { exitCode: EXIT_USAGE, code: 'tessera.usage' });
      const secret = options.value ? await readSecret('Token') : null;
      if (secret !== null && !ACCESS_TOKEN_PREFIXES.includes(parseSecret(secret)!)) throw new CommandFailure('that is not an access token (unknown prefix or wrong checksum)');
      await withDatabase(async ({ services, ctx }) => {
        const tokenId = secret === null ? id! : (await services.accessTokenAuthenticator.find([secret])).get(secret)?.id;
        if (!tokenId) throw new CommandFailure('no access token has that secret');
        const token = await services.accessTokenRevocation.revoke(ctx, tokenId, options.reason);
        say(`Access token ${token.id} (${token.hint}) is revoked.`);
      });
    });

  cli
    .command('revoke-user-tokens')
    .argument('<email|id>', 'a person (e-mail or id) or a technical user (id)')
    .description("revoke for good every access and refresh token of an account and end its sessions, as deactivation does, but keep the account (it signs in and makes new tokens again)")
    .action((emailOrId: string) =>
      withDatabase(async (operator) => {
        const user = await operator.services.users.revokeCredentials(operator.ctx, (await userNamed(operator, emailOrId)).id);
        say(`Every token of ${user.email ?? user.id} is revoked and its sessions ended.`);
      }),
    );

  cli
    .command('prune')
    .description('delete what can no longer be used: expired or ended sessions, expired or revoked refresh tokens (spent ones of live families stay, to detect reuse), token uses past TESSERA_USAGE_RETENTION_DAYS')
    .action(() =>
      withDatabase(async ({ services, ctx }) => {
        const pruned = await ctx.transaction(async (tx) => {
          const counts = { sessions: await services.sessions.pruneUnusable(tx), refreshTokens: await services.refreshTokens.pruneUnusable(tx) };
          await services.audit.record(tx, ctx, { action: 'prune', detail: counts });
          return counts;
        });
        const usage = await services.usageRecorder.purgeExpired();
        await ctx.transaction((tx) => services.audit.record(tx, ctx, { action: 'pruneTokenUsage', detail: { tokenUsageRecords: usage } }));
        say(`Deleted ${pruned.sessions} sessions, ${pruned.refreshTokens} refresh tokens and ${usage} token-use records.`);
      }),
    );

  cli
    .command('pepper-status')
    .description('count the usable tokens, sessions, refresh tokens and client secrets per pepper, so a previous pepper can be retired once none uses it')
    .option('--json', 'print the counts as JSON')
    .action((options: { json?: boolean }) =>
      withDatabase(async ({ db, services }) => {
        const status = await pepperStatus(db, services.peppers);
        if (options.json) return say(JSON.stringify(status));
        say(`Current pepper: ${status.current}${status.previous.length ? `; previous: ${status.previous.join(', ')}` : ''}`);
        for (const [kind, byPepper] of Object.entries(status.rows)) {
          const parts = Object.entries(byPepper).map(([pepperId, count]) => `${count} on ${pepperId}${pepperId === status.current ? ' (current)' : services.peppers.byId(pepperId) ? '' : ' (not in the keyring: unusable)'}`);
          say(`  ${kind}: ${parts.length ? parts.join(', ') : 'none'}`);
        }
        say(
          status.onOldPeppers === 0
            ? 'Nothing usable depends on a previous pepper: they can be removed from TESSERA_TOKEN_PEPPERS.'
            : `${status.onOldPeppers} usable rows still depend on a previous pepper; each moves to the current one on its next use.`,
        );
      }),
    );

  cli
    .command('check-config')
    .description('validate the configuration (environment and ./.env) without starting anything; prints a summary without secrets')
    .action(() => {
      const config = operatorConfig();
      const peppers = configuredPeppers(config);
      const lines = [
        ['environment', config.nodeEnv],
        ['database', describeDatabase(config.databaseUrl)],
        ['port', String(config.port)],
        ['metrics port', config.metricsPort === undefined ? 'the main port' : String(config.metricsPort)],
        ['token peppers', peppers ? `${peppers.map((p) => p.id).join(', ')} (current: ${peppers[0].id})` : 'generated beside the SQLite file'],
        ['session lifetime', `${config.sessionTtlSeconds} s`],
        ['log level', config.logLevel],
      ];
      say('Configuration is valid.');
      for (const [name, value] of lines) say(`  ${name.padEnd(17)} ${value}`);
    });

  return cli;
}

async function main(argv: string[]): Promise<number> {
  const cli = program();
  if (argv.length <= 2) {
    process.stderr.write(cli.helpInformation());
    return EXIT_USAGE;
  }
  try {
    await cli.parseAsync(argv);
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : EXIT_USAGE;
    const message =
      error instanceof ConfigError
        ? `configuration error: ${error.message}`
        : error instanceof CommandFailure || error instanceof AppError
          ? error.message
          : `failed: ${error instanceof Error ? error.message : String(error)}`;
    process.stderr.write(`tessera: ${message}\n`);
    return EXIT_FAILURE;
  }
}

void main(process.argv).then((code) => {
  process.exitCode = code;
});
