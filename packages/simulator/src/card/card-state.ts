/** The card's non-volatile memory, shared by the card object, its operating system and the card file. */
import type { CardKey } from './card-key.js';
import type { CardConfig } from './config.js';
import type { KeyId } from './file-system.js';
import type { CardProfile, HolderProfile, PinId } from './holder.js';

export type CertificateSlot = 'sign' | 'sign-ca' | 'auth' | 'auth-ca';

/** The card's non-volatile memory. */
export interface CardState {
  profile: CardProfile;
  holder: HolderProfile;
  config: CardConfig;
  pins: Record<PinId, { value: string; tries: number }>;
  keys: Record<KeyId, CardKey>;
  certificates: Record<CertificateSlot, Uint8Array>;
  /** Key ID shown in the card-input-assistance AP's basic info (EF 0005). */
  assistKeyId: Uint8Array;
}
