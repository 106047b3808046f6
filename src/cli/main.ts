#!/usr/bin/env node
import { Command } from 'commander';
import { registerCommands } from './commands.js';

const program = new Command();
program
  .name('gatehouse')
  .description('Gatehouse: self-hosted user management and sign-in.\nConfiguration comes from the environment (and ./.env); see .env.example.')
  .showHelpAfterError();
registerCommands(program);
await program.parseAsync(process.argv);
