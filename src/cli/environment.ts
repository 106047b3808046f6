import { existsSync } from 'node:fs';
import { config as loadDotenv } from 'dotenv';
import { ConfigError, loadConfig, type Config } from '../config/config.js';

/** Reads ./.env (if present) under the real environment, then validates; a bad value exits with code 78 (EX_CONFIG). */
export function configFromEnvironment(): Config {
  if (existsSync('.env')) loadDotenv({ path: '.env', quiet: true });
  try {
    return loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`gatehouse: ${error.message}\n`);
      process.exit(78);
    }
    throw error;
  }
}
