export {
  startSession,
  replaceSession,
  validateSession,
  sessionLookupHash,
  keepSessionAlive,
  endSession,
  endAllSessions,
  endOwnSession,
  listSessions,
  purgeExpiredSessions,
  markAuthenticated,
  liftRestriction,
  type SessionInfo,
  type SessionsDeps,
  type ValidSession,
  type NewSession,
} from './sessions.service.js';
export { sessionCookie, type CookieSettings } from './cookie.js';
export type { SessionRestriction } from './sessions.table.js';
