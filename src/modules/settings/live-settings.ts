import type { Config } from '../../config/config.js';
import type { Db } from '../../db/db.js';
import type { SettingsInForce, SettingsReader } from '../../config/settings-in-force.js';
import { DEFAULT_MFA_POLICY } from './mfa-policy.js';
import { readSettings, type OrgSettings } from './settings.service.js';

/** What the environment says, used where the database has no value. */
export function defaultsFrom(config: Config): OrgSettings {
  return {
    organizationName: config.organizationName,
    defaultLocale: config.defaultLocale,
    membersMayInvite: false,
    passwordMinLength: config.password.minLength,
    sessionIdleMinutes: config.session.idleMs / 60_000,
    sessionAbsoluteHours: config.session.absoluteMs / 3_600_000,
    temporaryPasswordHours: config.temporaryPasswordMs / 3_600_000,
    mfaPolicy: DEFAULT_MFA_POLICY,
    selfResetLinkMinutes: config.links.selfResetMs / 60_000,
    adminResetLinkHours: config.links.adminResetMs / 3_600_000,
    invitationLinkHours: config.links.invitationMs / 3_600_000,
    logoUrl: config.logoUrl ?? null,
  };
}

/** The settings in force from a snapshot of the table (durations turned into the milliseconds services use). */
function inForce(snapshot: OrgSettings, base: Config): SettingsInForce {
  return Object.freeze({
    organizationName: snapshot.organizationName,
    defaultLocale: snapshot.defaultLocale,
    membersMayInvite: snapshot.membersMayInvite,
    mfaPolicy: snapshot.mfaPolicy,
    password: { minLength: snapshot.passwordMinLength, maxLength: base.password.maxLength },
    session: {
      idleMs: snapshot.sessionIdleMinutes * 60_000,
      absoluteMs: snapshot.sessionAbsoluteHours * 3_600_000,
    },
    temporaryPasswordMs: snapshot.temporaryPasswordHours * 3_600_000,
    links: {
      selfResetMs: snapshot.selfResetLinkMinutes * 60_000,
      adminResetMs: snapshot.adminResetLinkHours * 3_600_000,
      invitationMs: snapshot.invitationLinkHours * 3_600_000,
    },
    logoUrl: snapshot.logoUrl ?? undefined,
  });
}

/**
 * The organization settings laid over the environment, as services read them: `current()` answers
 * the latest snapshot of the settings table, refreshed after every local change and every few
 * seconds (so a change made on one node reaches the others within that interval). A use case calls
 * `current()` once and works on that snapshot; nothing changes under it.
 */
export class LiveSettings implements SettingsReader {
  private snapshot: OrgSettings;
  private values: SettingsInForce;
  private timer: NodeJS.Timeout | undefined;
  readonly defaults: OrgSettings;

  constructor(
    private readonly db: Db,
    /** The environment the settings are laid over. */
    readonly environment: Config,
  ) {
    this.defaults = defaultsFrom(environment);
    this.snapshot = this.defaults;
    this.values = inForce(this.snapshot, environment);
  }

  /** The settings in force, in the units services use. */
  current(): SettingsInForce {
    return this.values;
  }

  /** The settings as stored (minutes and hours, as Settings shows them). */
  stored(): OrgSettings {
    return this.snapshot;
  }

  async refresh(): Promise<OrgSettings> {
    this.snapshot = await readSettings(this.db, this.defaults);
    this.values = inForce(this.snapshot, this.environment);
    return this.snapshot;
  }

  startRefreshing(intervalMs = 5_000): void {
    this.timer = setInterval(() => void this.refresh().catch(() => undefined), intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
