export { listUsers, type ListUsersInput } from './list-users.js';
export { getUser, findUserByEmail, anyUserExists, tokenOwners } from './get-user.js';
export { peopleMatching } from './people-matching.js';
export { createUser, insertUser, type CreateUserInput } from './create-user.js';
export { updateUser } from './update-user.js';
export { setUserStatus } from './set-user-status.js';
export { endUserSessions } from './end-user-sessions.js';
export { unlockUser } from './unlock-user.js';
export { setUserLocale } from './set-user-locale.js';
export { normalizeEmail, withLock } from './users.shared.js';
export type { UsersCtx, UsersConfig } from './users.context.js';
export {
  credentialsFromRow,
  findCredentialsByEmail,
  findCredentialsById,
  markEmailVerified,
  principalFromRow,
  recordSignIn,
  replaceOwnPassword,
  setTemporaryPassword,
  removePassword,
  type Credentials,
  type Principal,
} from './credentials.js';
export { presentUser, type User } from './users.presenter.js';
export { findAccountClaims, type AccountClaims } from './claims.js';
export { userErrors } from './users.errors.js';
export type { InvitationsOfInviter } from './inviter-changes.js';
export type { Role, UserStatus } from './users.table.js';
export { UserSchema, ManagedUser } from './users.schemas.js';
export { deleteUser, tombstoneLabel, type DeleteUserDeps } from './delete-user.js';
export { adminChangeEmail, confirmEmail, requestOwnEmailChange, EMAIL_LINK_MS } from './change-email.js';
export type { PersonalDataEraser } from './personal-data.js';
