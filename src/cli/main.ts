#!/usr/bin/env node
import { Command } from 'commander';
import { registerCommands } from './commands.js';
import { ExitCode } from './output.js';
import { packageVersion } from './version.js';

const program = new Command();
program
  .name('gatehouse')
  .description(
    'Gatehouse: self-hosted user management and sign-in.\nConfiguration comes from the environment (and ./.env); see .env.example.\n' +
      'Exit codes: 0 ok, 1 refused (e.g. unknown user, password policy), 2 usage error, 69 port in use, ' +
      '70 unexpected failure, 77 port not permitted, 78 bad configuration.',
  )
  .version(packageVersion(), '-V, --version', 'print the version of Gatehouse')
  .showHelpAfterError()
  // Commander exits 1 on bad arguments; usage errors are 2 here, so 1 always means "refused". Help exits 0.
  .exitOverride((error) => process.exit(error.exitCode === 0 ? ExitCode.ok : ExitCode.usage));
registerCommands(program);
await program.parseAsync(process.argv);
