import type { SettingsReader } from '../../config/settings-in-force.js';
import { generatePassword } from './generator.js';
import { assertPasswordAcceptable, assertPasswordRules } from './policy.js';

/** A password typed by a person, or one to generate (the admin's Reset password and Add user). */
export type PasswordChoice = { password: string } | { generate: true };

/** Applies the policy to a typed password, or generates one that passes it. */
export function choosePassword(
  ctx: { settings: SettingsReader },
  choice: PasswordChoice,
  who: { email: string; name: string },
): { password: string; generated: boolean } {
  const settings = ctx.settings.current();
  const policy = {
    ...settings.password,
    email: who.email,
    name: who.name,
    organizationName: settings.organizationName,
  };
  if ('password' in choice) {
    assertPasswordAcceptable(choice.password, policy);
    return { password: choice.password, generated: false };
  }
  // A random password can, very rarely, contain a short name as a substring; draw again then. It is
  // as long as the configured minimum, so a draw passes almost always; the bound keeps a policy that
  // could never be met from spinning the event loop forever.
  for (let attempt = 0; attempt < 1000; attempt += 1) {
    const password = generatePassword(policy.minLength);
    try {
      assertPasswordRules(password, policy);
      return { password, generated: true };
    } catch {
      continue;
    }
  }
  throw new Error('no generated password satisfies the password policy');
}
