import type { Config } from '../../config/config.js';
import type { Db } from '../../db/db.js';
import { DEFAULT_MFA_POLICY, type MfaPolicy } from './mfa-policy.js';
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

export interface LiveConfig extends Config {
  readonly membersMayInvite: boolean;
  readonly mfaPolicy: MfaPolicy;
}

/**
 * The configuration services read, with the organization settings laid over the environment.
 * Services keep reading `deps.config.password.minLength` and the like; here those values come
 * from the latest snapshot of the settings table, refreshed after every local change and every
 * few seconds (so a change made on one node reaches the others within that interval).
 */
export class LiveSettings {
  private snapshot: OrgSettings;
  private timer: NodeJS.Timeout | undefined;
  readonly defaults: OrgSettings;
  readonly config: LiveConfig;

  constructor(
    private readonly db: Db,
    base: Config,
  ) {
    this.defaults = defaultsFrom(base);
    this.snapshot = this.defaults;
    const live = () => this.snapshot;
    this.config = Object.freeze(
      Object.create(base, {
        organizationName: { get: () => live().organizationName, enumerable: true },
        defaultLocale: { get: () => live().defaultLocale, enumerable: true },
        membersMayInvite: { get: () => live().membersMayInvite, enumerable: true },
        mfaPolicy: { get: () => live().mfaPolicy, enumerable: true },
        password: {
          get: () => ({ minLength: live().passwordMinLength, maxLength: base.password.maxLength }),
          enumerable: true,
        },
        session: {
          get: () => ({
            idleMs: live().sessionIdleMinutes * 60_000,
            absoluteMs: live().sessionAbsoluteHours * 3_600_000,
          }),
          enumerable: true,
        },
        temporaryPasswordMs: { get: () => live().temporaryPasswordHours * 3_600_000, enumerable: true },
        links: {
          get: () => ({
            selfResetMs: live().selfResetLinkMinutes * 60_000,
            adminResetMs: live().adminResetLinkHours * 3_600_000,
            invitationMs: live().invitationLinkHours * 3_600_000,
          }),
          enumerable: true,
        },
        logoUrl: { get: () => live().logoUrl ?? undefined, enumerable: true },
      }) as LiveConfig,
    );
  }

  current(): OrgSettings {
    return this.snapshot;
  }

  async refresh(): Promise<OrgSettings> {
    this.snapshot = await readSettings(this.db, this.defaults);
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
