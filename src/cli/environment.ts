import { existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { config as loadDotenv } from 'dotenv';
import { ConfigError, loadConfig, type Config } from '../config/config.js';
import { shippedLocales } from '../modules/mail/index.js';
import { ExitCode } from './output.js';

/** One line on stderr, then the documented exit code: what an operator's start-up script sees. */
export function exitWith(code: number, line: string): never {
  process.stderr.write(`gatehouse: ${line}\n`);
  process.exit(code);
}

/**
 * Reads ./.env (if present) under the real environment, then validates; a bad value exits with
 * code 78 (EX_CONFIG), one line per problem naming the variable. Beyond the syntax that
 * loadConfig checks, two things only the file system and the package know: the language must be
 * one we ship, and a SQLite path must be creatable (not under a file).
 */
export function configFromEnvironment(): Config {
  if (existsSync('.env')) loadDotenv({ path: '.env', quiet: true });
  let config: Config;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      for (const problem of error.problems) process.stderr.write(`gatehouse: configuration: ${problem}\n`);
      process.exit(ExitCode.config);
    }
    throw error;
  }
  const problem = localeProblem(config) ?? databasePathProblem(config);
  if (problem) exitWith(ExitCode.config, `configuration: ${problem}`);
  return config;
}

function localeProblem(config: Config): string | null {
  const shipped = shippedLocales();
  const base = config.defaultLocale.split('-')[0] ?? '';
  if (shipped.includes(config.defaultLocale) || shipped.includes(base)) return null;
  return `DEFAULT_LOCALE=${JSON.stringify(config.defaultLocale)}: expected a shipped language: ${shipped.join(', ')}`;
}

/** A SQLite file whose directory would have to be created under an existing file can never be opened. */
function databasePathProblem(config: Config): string | null {
  if (config.database.kind !== 'sqlite' || config.database.path === ':memory:') return null;
  const path = resolve(config.database.path);
  const shown = `DATABASE_URL=${JSON.stringify(process.env.DATABASE_URL ?? config.database.path)}`;
  if (existsSync(path) && statSync(path).isDirectory())
    return `${shown}: ${path} is a directory; expected the path of a SQLite file`;
  for (let dir = dirname(path); ; dir = dirname(dir)) {
    if (existsSync(dir)) {
      return statSync(dir).isDirectory()
        ? null
        : `${shown}: ${dir} is a file, so the database cannot be created under it`;
    }
    if (dirname(dir) === dir) return null;
  }
}
