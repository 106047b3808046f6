export {
  recordAuditEvent,
  recordStandaloneEvent,
  listAuditEvents,
  verifyAuditChain,
  type AuditEvent,
  type AuditInput,
  type ChainVerdict,
} from './audit.service.js';
