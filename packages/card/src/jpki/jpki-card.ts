/**
 * `JpkiCard`: one session with a JPKI card (My Number card, Juki card), spec/jpki-card.md §12.
 *
 * Every method is one logical operation run through `CardAccess` (per-reader queue in-process, an
 * exclusive connection across processes). PIN safety: the format is checked before
 * anything is queued or sent; a PIN is never retried; with one try left VERIFY is refused unless the
 * caller passes `allowLastAttempt: true`; the PIN bytes are wiped after VERIFY; errors carry
 * `remainingAttempts` but never the PIN. An operation that verifies a PIN for its own use releases the
 * card with a reset afterwards, so the verified state does not outlive the call; `verifyPin()` keeps
 * the (exclusive) connection and its verified state until `close()`/disposal, which resets the card.
 */
import type { Signer } from '@shomei/core';
import { hasErrorCode } from '@shomei/core';
import { cardError } from '../errors.js';
import { ApduChannel, type ChannelOptions } from '../iso7816/channel.js';
import {
  changeReferenceDataCommand,
  readBinary,
  readDerObject,
  selectAid,
  selectEf,
  verifyCommand,
} from '../iso7816/commands.js';
import type { DataClass } from '../iso7816/trace.js';
import { CardAccess } from '../transport/card-access.js';
import { isConnectionLoss } from '../transport/connection-loss.js';
import type { Disposition, Transport } from '../transport/transport.js';
import { type CardAttributes, parseAttributesEf, parseMyNumberEf } from './assist-data.js';
import { cardSigner, type SignerPinSource } from './card-signer.js';
import type {
  CallOptions,
  CardInfo,
  JpkiCardOptions,
  PinOptions,
  PinState,
  PinStatus,
  ReadCertificateOptions,
  ReadMyNumberOptions,
  SignDigestInfoOptions,
  SignOptions,
} from './card-types.js';
import { pinBytes, wipe } from './pin.js';
import { pinError } from './pin-errors.js';
import { checkDigestInfo, prepareDigestInfo, type SignInput } from './sign-input.js';
import {
  AIDS,
  type ApName,
  ASSIST_EF,
  CERTIFICATES,
  type CertificateKind,
  COMPUTE_DIGITAL_SIGNATURE,
  cardKindOfToken,
  JPKI_EF,
  KEYS,
  type KeyKind,
  MY_NUMBER_READ_LENGTH,
  PIN_RULES,
  type PinKind,
  TOKEN_INFO_LENGTH,
} from './tables.js';
import { readTlvFile } from './tlv-file.js';

type Operation<T> = (channel: ApduChannel, signal: AbortSignal | undefined) => Promise<T>;

export class JpkiCard {
  readonly #transport: Transport;
  readonly #access: CardAccess;
  readonly #channel: ApduChannel;
  readonly #ownsTransport: boolean;
  /** The AP the card has selected now, while we hold the connection. */
  #currentAp: ApName | undefined;
  /** PINs verified in the card's current (held) power session. */
  readonly #verified = new Set<PinKind>();
  #info: CardInfo | undefined;
  #closed = false;

  constructor(transport: Transport, options: JpkiCardOptions = {}) {
    this.#transport = transport;
    this.#access = new CardAccess(transport, options);
    const channelOptions: ChannelOptions = {};
    if (options.trace) channelOptions.trace = options.trace;
    if (options.timeoutMs !== undefined) channelOptions.timeoutMs = options.timeoutMs;
    this.#channel = new ApduChannel(transport, channelOptions);
    this.#ownsTransport = options.ownsTransport ?? false;
  }

  get reader(): string {
    return this.#transport.name;
  }

  /** PINs this session holds verified (after `verifyPin`), for callers deciding whether to ask again. */
  get verifiedPins(): readonly PinKind[] {
    return this.#access.holding ? [...this.#verified] : [];
  }

  /** Card kind from the token EF (spec §1.3), ATR and reader. */
  async info(options: CallOptions = {}): Promise<CardInfo> {
    if (this.#info) return { ...this.#info };
    return this.#run(async (channel, signal) => {
      await this.#selectAp(channel, 'jpki', signal);
      await selectEf(channel, JPKI_EF.tokenInfo, { signal });
      const raw = await readBinary(channel, 0, TOKEN_INFO_LENGTH, { signal });
      // §1.3: space padded (myna's dummy card pads with NUL); trim both.
      let end = raw.length;
      while (end > 0 && (raw[end - 1] === 0x20 || raw[end - 1] === 0x00)) end--;
      const token = String.fromCharCode(...raw.subarray(0, end));
      this.#info = { kind: cardKindOfToken(token), token, atr: this.#transport.atr, reader: this.reader };
      return { ...this.#info };
    }, options);
  }

  /** Tries left for each PIN, without consuming any (status query `00 20 00 80`, spec §3.1). */
  async pinStatus(options: CallOptions = {}): Promise<PinStatus> {
    return this.#run(async (channel, signal) => {
      const auth = await this.#queryPin(channel, 'auth', signal);
      const sign = await this.#queryPin(channel, 'sign', signal);
      let assist: PinState | null = null;
      try {
        assist = await this.#queryPin(channel, 'assist', signal);
      } catch (error) {
        if (!hasErrorCode(error, 'FILE_NOT_FOUND')) throw error;
      }
      return { auth, sign, assist };
    }, options);
  }

  /**
   * Verifies a PIN and keeps this session's exclusive connection, so that later calls (reading the
   * signing certificate, signing) can use the verified state without the PIN. `close()` ends it.
   */
  async verifyPin(kind: PinKind, pin: string, options: PinOptions = {}): Promise<void> {
    const bytes = pinBytes(kind, pin);
    await this.#run(
      async (channel, signal) => {
        await this.#verify(channel, kind, bytes, options, signal);
      },
      { ...options, hold: true },
      bytes,
    );
  }

  /** A certificate as DER; its length comes from the DER header and it is read in chunks (spec §4.3). */
  async readCertificate(kind: CertificateKind, options: ReadCertificateOptions = {}): Promise<Uint8Array> {
    const file = CERTIFICATES[kind];
    if (!file)
      throw cardError('INPUT_INVALID', 'The certificate kind must be auth, auth-ca, sign or sign-ca.');
    const bytes = file.pin && options.pin !== undefined ? pinBytes(file.pin, options.pin) : undefined;
    return this.#run(
      async (channel, signal) => {
        if (file.pin) await this.#ensureVerified(channel, file.pin, bytes, options, signal);
        await this.#selectAp(channel, 'jpki', signal);
        await selectEf(channel, file.ef, { signal });
        const dataClass: DataClass = file.personal ? 'personal' : 'public';
        return readDerObject(channel, { signal, dataClass, command: 'READ BINARY' });
      },
      options,
      bytes,
    );
  }

  /**
   * A raw RSA PKCS#1 v1.5 signature (256 bytes) with the auth or sign key. The driver builds the
   * DigestInfo (spec §3.2); `{ data }` is hashed here (SHA-256 unless `hash` says otherwise).
   */
  async sign(kind: KeyKind, input: SignInput, options: SignOptions = {}): Promise<Uint8Array> {
    // Enqueue now, in call order; hashing `data` may finish later and is awaited inside the operation.
    return this.#sign(kind, prepareDigestInfo(input), options);
  }

  /**
   * Like `sign`, with a ready DER DigestInfo (what core's Signer hands over, naming its hash in
   * `options.hash`; the bytes are checked against it).
   */
  async signDigestInfo(
    kind: KeyKind,
    info: Uint8Array,
    options: SignDigestInfoOptions = {},
  ): Promise<Uint8Array> {
    const { hash, ...rest } = options;
    checkDigestInfo(info, hash);
    return this.#sign(kind, info, rest);
  }

  #sign(kind: KeyKind, info: Uint8Array | Promise<Uint8Array>, options: SignOptions): Promise<Uint8Array> {
    const key = KEYS[kind];
    if (!key) return Promise.reject(cardError('INPUT_INVALID', 'The key must be "auth" or "sign".'));
    let bytes: Uint8Array | undefined;
    try {
      bytes = options.pin !== undefined ? pinBytes(key.pin, options.pin) : undefined;
    } catch (error) {
      if (info instanceof Promise) info.catch(() => {});
      return Promise.reject(error);
    }
    if (info instanceof Promise) info.catch(() => {});
    return this.#run(
      async (channel, signal) => {
        const digestInfo = await info;
        await this.#ensureVerified(channel, key.pin, bytes, options, signal);
        await this.#selectAp(channel, 'jpki', signal);
        await selectEf(channel, key.ef, { signal });
        const signature = await channel.send(
          { ...COMPUTE_DIGITAL_SIGNATURE, data: digestInfo },
          { signal, command: 'COMPUTE DIGITAL SIGNATURE' },
        );
        if (signature.length === 0) {
          throw cardError('CARD_DATA_MALFORMED', 'The card returned an empty signature.');
        }
        return signature;
      },
      options,
      bytes,
    );
  }

  /** The four basic facts from the card-input-assistance AP (spec §9), behind its 4-digit PIN. */
  async readAttributes(pin: string, options: PinOptions = {}): Promise<CardAttributes> {
    const bytes = pinBytes('assist', pin);
    return this.#run(
      async (channel, signal) => {
        await this.#verify(channel, 'assist', bytes, options, signal);
        await selectEf(channel, ASSIST_EF.attributes, { signal });
        const raw = await readTlvFile(channel, 'personal', signal);
        return parseAttributesEf(raw);
      },
      options,
      bytes,
    );
  }

  /**
   * The holder's My Number (12 digits). Its use is restricted by law: `purpose` is mandatory, and the
   * number is treated as a secret (never traced, logged or put into errors).
   */
  async readMyNumber(pin: string, options: ReadMyNumberOptions): Promise<string> {
    if (typeof options?.purpose !== 'string' || options.purpose.trim() === '') {
      throw cardError('PURPOSE_REQUIRED');
    }
    const bytes = pinBytes('assist', pin);
    return this.#run(
      async (channel, signal) => {
        await this.#verify(channel, 'assist', bytes, options, signal);
        await selectEf(channel, ASSIST_EF.myNumber, { signal });
        const raw = await readBinary(channel, 0, MY_NUMBER_READ_LENGTH, {
          signal,
          dataClass: 'secret',
        });
        try {
          return parseMyNumberEf(raw);
        } finally {
          raw.fill(0);
        }
      },
      options,
      bytes,
    );
  }

  /** CHANGE REFERENCE DATA after verifying the old PIN (spec §3.1, [U] on real cards). */
  async changePin(kind: PinKind, oldPin: string, newPin: string, options: PinOptions = {}): Promise<void> {
    const oldBytes = pinBytes(kind, oldPin);
    let newBytes: Uint8Array;
    try {
      newBytes = pinBytes(kind, newPin);
    } catch (error) {
      wipe(oldBytes);
      throw error;
    }
    try {
      await this.#run(
        async (channel, signal) => {
          await this.#verify(channel, kind, oldBytes, options, signal);
          const response = await channel.transmit(changeReferenceDataCommand(newBytes), {
            signal,
            command: 'CHANGE REFERENCE DATA',
          });
          if (response.sw !== 0x9000) throw pinError(kind, response.sw, 'CHANGE REFERENCE DATA');
        },
        options,
        oldBytes,
      );
    } finally {
      wipe(newBytes);
    }
  }

  /** A core `Signer` for one of the card's keys (see card-signer.ts for the PIN options). */
  toSigner(kind: KeyKind, source: SignerPinSource): Promise<Signer> {
    return cardSigner(this, kind, source);
  }

  /** Ends the session: a held connection is released with a card reset (drops verified PINs). */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    try {
      await this.#access.release('reset');
    } finally {
      this.#verified.clear();
      this.#currentAp = undefined;
      if (this.#ownsTransport) await this.#transport.close();
    }
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  /**
   * Runs one logical operation. A PIN passed by the caller (`pinUsed`) is wiped afterwards, and when
   * the operation verified it for itself the card is released with a reset.
   */
  async #run<T>(
    operation: Operation<T>,
    options: CallOptions & { hold?: boolean },
    pinUsed?: Uint8Array,
  ): Promise<T> {
    if (this.#closed) {
      wipe(pinUsed);
      throw cardError('CARD_CLOSED');
    }
    const signal = options.signal;
    let release: Disposition = 'leave';
    try {
      return await this.#access.run(
        async () => {
          if (!this.#access.holding) {
            // A fresh connection: the card has nothing selected and nothing verified.
            this.#currentAp = undefined;
            this.#verified.clear();
          }
          if (pinUsed && !options.hold) release = 'reset';
          try {
            return await operation(this.#channel, signal);
          } catch (error) {
            if (isConnectionLoss(error)) {
              this.#currentAp = undefined;
              this.#verified.clear();
            }
            throw error;
          }
        },
        {
          signal,
          ...(options.hold ? { hold: true } : {}),
          get release() {
            return release;
          },
        },
      );
    } finally {
      wipe(pinUsed);
    }
  }

  async #selectAp(channel: ApduChannel, ap: ApName, signal: AbortSignal | undefined): Promise<void> {
    // Re-selecting the current AP may clear its verified PINs (spec §4.4, [U]): skip it when this
    // connection already has it selected (#currentAp is forgotten on every new connection).
    if (this.#currentAp === ap) return;
    this.#currentAp = undefined;
    this.#verified.clear();
    try {
      await selectAid(channel, AIDS[ap], { signal });
    } catch (error) {
      if (ap === 'jpki' && hasErrorCode(error, 'FILE_NOT_FOUND')) {
        throw cardError('NOT_JPKI_CARD', undefined, { cause: error });
      }
      throw error;
    }
    this.#currentAp = ap;
  }

  async #queryPin(channel: ApduChannel, kind: PinKind, signal: AbortSignal | undefined): Promise<PinState> {
    const rule = PIN_RULES[kind];
    await this.#selectAp(channel, rule.ap, signal);
    await selectEf(channel, rule.ef, { signal });
    const response = await channel.transmit(verifyCommand(), { signal, command: 'VERIFY (status)' });
    // §3.1: the status query answers 63Cx even when verified; 63C0 = blocked (§4.4).
    const remaining = (response.sw & 0xfff0) === 0x63c0 ? response.sw & 0x0f : undefined;
    const blocked = remaining === 0 || response.sw === 0x6983 || response.sw === 0x6984;
    return { remainingAttempts: blocked ? 0 : remaining, maxAttempts: rule.maxTries, blocked };
  }

  async #ensureVerified(
    channel: ApduChannel,
    kind: PinKind,
    bytes: Uint8Array | undefined,
    options: PinOptions,
    signal: AbortSignal | undefined,
  ): Promise<void> {
    if (bytes) return this.#verify(channel, kind, bytes, options, signal);
    if (this.#verified.has(kind) && this.#access.holding) return;
    throw cardError('PIN_REQUIRED', `This needs the ${PIN_RULES[kind].label}: pass { pin }.`, {
      details: { kind },
    });
  }

  /** spec §12 "Verify PIN": SELECT PIN EF; status query (guard); VERIFY. Never retried. */
  async #verify(
    channel: ApduChannel,
    kind: PinKind,
    bytes: Uint8Array,
    options: PinOptions,
    signal: AbortSignal | undefined,
  ): Promise<void> {
    const rule = PIN_RULES[kind];
    await this.#selectAp(channel, rule.ap, signal);
    await selectEf(channel, rule.ef, { signal });
    const status = await channel.transmit(verifyCommand(), { signal, command: 'VERIFY (status)' });
    const remaining = (status.sw & 0xfff0) === 0x63c0 ? status.sw & 0x0f : undefined;
    if (remaining === 0 || status.sw === 0x6983 || status.sw === 0x6984) {
      throw cardError(
        'PIN_BLOCKED',
        `The ${rule.label} is blocked. It can only be reset at the municipal office.`,
        {
          details: { kind, remainingAttempts: 0 },
        },
      );
    }
    if (remaining === 1 && options.allowLastAttempt !== true) {
      throw cardError(
        'PIN_LAST_ATTEMPT_GUARD',
        `Only one try is left for the ${rule.label}; a wrong PIN would block it. Nothing was sent. Pass allowLastAttempt: true to use the last try deliberately.`,
        { details: { kind, remainingAttempts: 1 } },
      );
    }
    this.#verified.delete(kind);
    const response = await channel.transmit(verifyCommand(bytes), { signal, command: 'VERIFY' });
    if (response.sw !== 0x9000) throw pinError(kind, response.sw, 'VERIFY');
    this.#verified.add(kind);
  }
}
