import type { Command } from 'commander';
import { openSecretBox } from '../../app/secret-keys.js';

/**
 * The OpenID Provider's module, loaded only by the commands that use it: importing oidc-provider has
 * a cost and, on a Node release it does not list as LTS, prints a warning that every other command
 * (users, audit, backup) would otherwise carry on its stderr.
 */
const oidc = () => import('../../modules/oidc/index.js');
import { cliContext } from '../../shared/context.js';
import { configFromEnvironment } from '../environment.js';
import { action, out, printable, usageError } from '../output.js';
import { withServices } from '../services.js';

const TYPES = ['web', 'spa', 'native', 'service'] as const;
const ROLES = ['admin', 'member', 'viewer'] as const;
const list = (value: string | undefined) =>
  (value ?? '')
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean);

/** `gatehouse apps create|list|delete` and `gatehouse keys rotate` (issue 12). */
export function registerAppsCommands(program: Command): void {
  const apps = program
    .command('apps')
    .description('Apps that sign people in with Gatehouse (OpenID Connect)');

  apps
    .command('create')
    .description(
      'Register an app; prints its client id and, for web and service apps, its secret (shown once)',
    )
    .requiredOption('--name <name>', 'the app’s name, shown on the consent page')
    .option('--type <type>', `one of ${TYPES.join(', ')}`, 'web')
    .option('--redirect-uri <uris>', 'comma-separated redirect URIs (exact)')
    .option('--post-logout-uri <uris>', 'comma-separated post-logout redirect URIs')
    .option('--backchannel-logout-uri <uri>', 'where back-channel logout tokens are sent')
    .option('--roles <roles>', 'comma-separated roles allowed to use it', 'admin,member,viewer')
    .option('--first-party', 'skip the consent page')
    .action(
      action(
        async (options: {
          name: string;
          type: string;
          redirectUri?: string;
          postLogoutUri?: string;
          backchannelLogoutUri?: string;
          roles: string;
          firstParty?: boolean;
        }) => {
          const type = TYPES.find((t) => t === options.type);
          if (!type) throw usageError('invalid_type', `--type must be one of ${TYPES.join(', ')}.`);
          const roles = list(options.roles);
          const allowedRoles = ROLES.filter((r) => roles.includes(r));
          if (allowedRoles.length === 0 || allowedRoles.length !== roles.length)
            throw usageError('invalid_roles', `--roles takes ${ROLES.join(', ')} (comma-separated).`);
          const { createApp } = await oidc();
          const created = await withServices(configFromEnvironment(), (services) =>
            createApp(services.deps, cliContext(), {
              name: options.name,
              type,
              redirectUris: list(options.redirectUri),
              postLogoutRedirectUris: list(options.postLogoutUri),
              backchannelLogoutUri: options.backchannelLogoutUri ?? null,
              allowedRoles,
              firstParty: options.firstParty === true,
            }).then((result) => ({ ...result, issuer: services.config.publicUrl })),
          );
          out(`issuer:        ${created.issuer}`);
          out(`client id:     ${created.app.clientId}`);
          if (created.clientSecret) out(`client secret: ${created.clientSecret}   (shown this once)`);
        },
      ),
    );

  apps
    .command('list')
    .description('List registered apps')
    .option('--json', 'one JSON document')
    .action(
      action(async (options: { json?: boolean }) => {
        const items = await withServices(configFromEnvironment(), async (services) =>
          (await oidc()).listApps(services.deps),
        );
        if (options.json) return out(JSON.stringify({ items }, null, 2));
        for (const app of items)
          out(
            `${app.clientId}  ${app.type.padEnd(7)}  ${app.disabled ? 'disabled' : 'enabled '}  ` +
              `${printable(app.name)}  [${app.allowedRoles.join(',')}]`,
          );
      }),
    );

  apps
    .command('delete')
    .description('Delete an app and everything issued to it')
    .argument('<client-id>')
    .action(
      action(async (id: string) => {
        await withServices(configFromEnvironment(), async (services) =>
          (await oidc()).deleteApp(services.deps, cliContext(), id),
        );
        out(`Deleted app ${printable(id)}.`);
      }),
    );

  program
    .command('keys')
    .description('OpenID signing keys')
    .command('rotate')
    .description(
      'New signing keys sign at once (every node within seconds, no restart); the old ones stay published for the longest token lifetime',
    )
    .action(
      action(async () => {
        const config = configFromEnvironment();
        const secrets = openSecretBox(config).box;
        const { rotateSigningKeys, KEY_OVERLAP_MS, KEY_CHECK_INTERVAL_MS } = await oidc();
        const kids = await withServices(config, (services) =>
          rotateSigningKeys(
            { db: services.database.db, clock: services.deps.clock, secrets },
            cliContext(),
            KEY_OVERLAP_MS,
          ),
        );
        out(
          `New signing keys: ${kids.join(', ')}. Every node signs with them within ` +
            `${KEY_CHECK_INTERVAL_MS / 1000} seconds; the old ones stay published ` +
            `${KEY_OVERLAP_MS / 60_000} minutes for the tokens they signed.`,
        );
      }),
    );
}
