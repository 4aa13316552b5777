/** @shomei/simulator — a virtual JPKI card, its transports, fault injection and a test issuing authority. */

export type { AuditAction, AuditEntry, AuditVerification } from './authority/audit-log.js';
export { verifyAuditLog } from './authority/audit-log.js';
export {
  Authority,
  type AuthorityOptions,
  DEFAULT_BASE_URL,
  type IssuedCard,
  type IssueRequest,
  type OperatorSession,
  type RevocationTarget,
} from './authority/authority.js';
export type { CertificateRecord, CertificateStatus, IssuingCa } from './authority/authority-state.js';
export { CRL_REASON, type CrlReason } from './authority/crl.js';
export {
  authorityRevocationSource,
  authorityTimestampSource,
  MovableClock,
} from './authority/ltv-sources.js';
export { OPERATOR_PIN_FORMAT, OperatorCard } from './authority/operator-card.js';
export { AuthorityServer, type AuthorityServerOptions } from './authority/server.js';
export { TSA_POLICY_OID } from './authority/tsa.js';
export { CARD_FILE_FORMAT, type CardFileJson } from './card/card-file.js';
export { loadCardFile, saveCardFile } from './card/card-file-io.js';
export { type CardConfig, type CardConfigInput, DEFAULT_ATR, defaultCardConfig } from './card/config.js';
export { ASSIST_AID, ASSIST_EF, JPKI_AID, JPKI_EF } from './card/file-system.js';
export {
  type CardPins,
  type CardProfile,
  type HolderFile,
  type HolderProfile,
  PIN_FORMAT,
  type PinId,
  parseHolderFile,
  type Sex,
} from './card/holder.js';
export type {
  CertificateIssuer,
  CertificateKind,
  CertificateRequest,
  IssuedCertificate,
} from './card/issuer.js';
export {
  type CertificateSlot,
  type CreateCardOptions,
  type PinTries,
  SIGNATURE_LENGTH,
  VirtualJpkiCard,
} from './card/virtual-card.js';
export { SIMULATOR_ERRORS, type SimulatorErrorCode, simulatorError } from './errors.js';
export type { ApduRecord } from './faults/apdu-record.js';
export { CardFaults, type CommandMatch, type Corruption } from './faults/card-faults.js';
export { MemoryTransport, type MemoryTransportOptions } from './transport/memory.js';
export {
  parseVpcdAddress,
  VPCD_BASE_PORT,
  VpcdBridge,
  type VpcdBridgeEvent,
  type VpcdBridgeOptions,
  type VpcdBridgeState,
} from './transport/vpcd.js';
export { encodeVpcdFrame, VpcdControl, VpcdFrameReader } from './transport/vpcd-framing.js';
