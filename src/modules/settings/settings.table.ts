/** Organization settings as key → JSON value; a missing key means the configured default. */
export interface SettingsTable {
  key: string;
  value: string;
  updatedAt: number;
}
