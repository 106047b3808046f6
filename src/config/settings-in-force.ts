import type { Config, LinkLifetimes } from './config.js';

/** What a role requires at sign-in (SEC-MFA-05/08): nothing, any factor, or a passkey. */
export type RoleMfaRequirement = 'optional' | 'required' | 'passkey';

export interface MfaPolicy {
  admin: RoleMfaRequirement;
  member: RoleMfaRequirement;
  viewer: RoleMfaRequirement;
  /** Days a user may still sign in without the factor their role requires, from the policy change or their account's creation. */
  graceDays: number;
  /** When the policy last changed (ms), set by the server: where the grace period starts. */
  changedAt: number;
}

export const DEFAULT_MFA_POLICY: MfaPolicy = {
  admin: 'optional',
  member: 'optional',
  viewer: 'optional',
  graceDays: 0,
  changedAt: 0,
};

/**
 * The organization settings in force: what an admin saved in Settings, laid over the environment.
 * Services never see these values in `ctx.config` (which is the environment only): a use case reads
 * them explicitly, `ctx.settings.current()`, once at its start, so one use case works on one snapshot
 * even when an admin saves Settings meanwhile (docs/adr/0007-service-context.md).
 */
export interface SettingsInForce {
  readonly organizationName: string;
  readonly defaultLocale: string;
  /** Members may invite (never as admin). */
  readonly membersMayInvite: boolean;
  /** Two-step verification per role (SEC-MFA-05). */
  readonly mfaPolicy: MfaPolicy;
  readonly password: { readonly minLength: number; readonly maxLength: number };
  readonly session: { readonly idleMs: number; readonly absoluteMs: number };
  readonly temporaryPasswordMs: number;
  /** How long new links work (SEC-RST-03). */
  readonly links: LinkLifetimes;
  /** The organization's logo (https only); undefined: the name alone. */
  readonly logoUrl: string | undefined;
}

/** Where a use case reads the settings in force (the settings module's `LiveSettings` on a node). */
export interface SettingsReader {
  current(): SettingsInForce;
}

/** The environment's values alone: what is in force before anyone saved Settings. */
export function settingsFromEnvironment(config: Config): SettingsInForce {
  return {
    organizationName: config.organizationName,
    defaultLocale: config.defaultLocale,
    membersMayInvite: false,
    mfaPolicy: DEFAULT_MFA_POLICY,
    password: config.password,
    session: config.session,
    temporaryPasswordMs: config.temporaryPasswordMs,
    links: config.links,
    logoUrl: config.logoUrl,
  };
}

/** A reader that always answers the same values (the CLI's one-shot commands, tests). */
export function fixedSettings(values: SettingsInForce): SettingsReader {
  return { current: () => values };
}
