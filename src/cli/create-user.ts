import type { Role } from '../modules/users/index.js';
import { createUser, findUserByEmail, userErrors } from '../modules/users/index.js';
import { cliContext } from '../shared/context.js';
import { configFromEnvironment } from './environment.js';
import { out, printable, printGeneratedPassword } from './output.js';
import { passwordSource, readPassword, type PasswordFlags } from './password-input.js';
import { withServices } from './services.js';

/**
 * `admin create` and `users create`: one account with a temporary password (typed, piped or
 * generated and printed once), audited as actor "cli", exactly as an admin's Add user does.
 */
export async function createUserFromShell(
  options: PasswordFlags & { email: string; name: string },
  role: Role,
): Promise<void> {
  const config = configFromEnvironment();
  const source = passwordSource(options);
  await withServices(config, async ({ deps }) => {
    // Refuse before asking for a password that could not be used.
    if (await findUserByEmail(deps, options.email)) throw userErrors.email_taken();
    const password = await readPassword(source, options.email);
    const { user, generatedPassword } = await createUser(deps, cliContext(), {
      email: options.email,
      name: options.name,
      role,
      password,
      temporary: true,
    });
    out(`Created ${user.role} ${printable(user.email)} (id ${user.id}).`);
    if (generatedPassword)
      printGeneratedPassword(generatedPassword, deps.settings.current().temporaryPasswordMs);
    else out('The password is temporary: they must choose their own at first sign-in.');
  });
}
