export {
  listUsers,
  getUser,
  createUser,
  insertUser,
  updateUser,
  setUserStatus,
  adminResetPassword,
  createAdminResetLink,
  ADMIN_RESET_LINK_MS,
  endUserSessions,
  unlockUser,
  setUserLocale,
  findUserByEmail,
  anyUserExists,
  normalizeEmail,
  choosePassword,
  type UsersDeps,
  type PasswordChoice,
  type ListUsersInput,
} from './users.service.js';
export {
  findCredentialsByEmail,
  findCredentialsById,
  principalFromRow,
  recordSignIn,
  replaceOwnPassword,
  type Credentials,
  type Principal,
} from './credentials.js';
export { presentUser, type User } from './users.presenter.js';
export { userErrors } from './users.errors.js';
export type { InvitationsOfInviter } from './inviter-changes.js';
export { silentNotices, type NoticeSender, type AccountNotice, type NoticeKind } from './notices.js';
export type { Role, UserStatus } from './users.table.js';
export { UserSchema } from './users.schemas.js';
