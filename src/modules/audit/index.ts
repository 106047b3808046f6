export {
  recordAuditEvent,
  recordStandaloneEvent,
  listAuditEvents,
  verifyAuditChain,
  type AuditEvent,
  type AuditInput,
  type ChainVerdict,
} from './audit.service.js';
export {
  createRepeatedEvents,
  DEFAULT_REPEATS,
  type RepeatedEvents,
  type RepeatOptions,
} from './audit.repeats.js';
export {
  archiveAuditEvents,
  planArchive,
  verifyArchiveFile,
  ArchiveError,
  type ArchivePlan,
  type ArchiveVerdict,
} from './audit.archive.js';
