/** Driver errors classified for both drivers (node:sqlite and pg); the rules live in src/shared. */
export { isDatabaseBusy, isStorageFull, isUniqueViolation } from '../shared/database-errors.js';
