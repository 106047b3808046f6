import { generatePassword } from './generator.js';
import { assertPasswordAcceptable, assertPasswordRules } from './policy.js';

/** A password typed by a person, or one to generate (the admin's Reset password and Add user). */
export type PasswordChoice = { password: string } | { generate: true };

/** The part of the configuration the policy reads (SEC-PW-01..06). */
export interface PolicyConfig {
  organizationName: string;
  password: { minLength: number; maxLength: number };
}

/** Applies the policy to a typed password, or generates one that passes it. */
export function choosePassword(
  ctx: { config: PolicyConfig },
  choice: PasswordChoice,
  who: { email: string; name: string },
): { password: string; generated: boolean } {
  const policy = {
    ...ctx.config.password,
    email: who.email,
    name: who.name,
    organizationName: ctx.config.organizationName,
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
