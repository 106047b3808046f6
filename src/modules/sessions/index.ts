export {
  startSession,
  validateSession,
  sessionLookupHash,
  keepSessionAlive,
  endSession,
  endAllSessions,
  endOwnSession,
  listSessions,
  purgeExpiredSessions,
  type SessionInfo,
  type SessionsDeps,
  type ValidSession,
} from './sessions.service.js';
export { sessionCookie, type CookieSettings } from './cookie.js';
