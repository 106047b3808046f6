import type { Config } from '../src/config/config.js';
import {
  fixedSettings,
  settingsFromEnvironment,
  type SettingsReader,
  type SettingsInForce,
} from '../src/config/settings-in-force.js';

/** The settings a service context reads when no admin saved Settings: the environment's, optionally changed. */
export function settingsOf(config: Config, changes: Partial<SettingsInForce> = {}): SettingsReader {
  return fixedSettings({ ...settingsFromEnvironment(config), ...changes });
}
