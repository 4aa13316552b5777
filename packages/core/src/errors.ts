/**
 * The one error base class of shomei. Every package throws a `ShomeiError` (or a subclass) with a
 * stable string `code`; callers branch on `code`, people read `message`.
 *
 * `isShomeiError` does not rely on `instanceof`: an application may load the ESM build of one package
 * and the CJS build of another, which gives two distinct class objects. A registered global symbol
 * brands every instance instead.
 */

const BRAND: unique symbol = Symbol.for('shomei.error') as never;

export interface ShomeiErrorOptions {
  cause?: unknown;
  /** Extra, non-secret facts that help a caller (e.g. `remainingAttempts`, `sw`, `certificateIndex`). */
  details?: Readonly<Record<string, unknown>>;
}

/** An entry of a package's error table: what a code means and where its documentation lives. */
export interface ErrorCodeInfo {
  /** Default message, written for a person: what happened and what to do next. */
  readonly message: string;
  /** Anchor in docs/errors.md. */
  readonly docs: string;
}

export class ShomeiError extends Error {
  readonly code: string;
  readonly details: Readonly<Record<string, unknown>>;
  readonly [BRAND] = true;

  constructor(code: string, message: string, options: ShomeiErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ShomeiError';
    this.code = code;
    this.details = Object.freeze({ ...(options.details ?? {}) });
  }

  /** A plain object for logs and JSON output; never includes the stack or the cause's stack. */
  toJSON(): { name: string; code: string; message: string; details: Readonly<Record<string, unknown>> } {
    return { name: this.name, code: this.code, message: this.message, details: this.details };
  }
}

/** True for any shomei error, whichever copy (ESM or CJS, any version) of a package created it. */
export function isShomeiError(value: unknown): value is ShomeiError {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as Record<symbol, unknown>)[BRAND] === true &&
    typeof (value as { code?: unknown }).code === 'string'
  );
}

/** True when `value` is a shomei error with the given code. */
export function hasErrorCode(value: unknown, code: string): value is ShomeiError {
  return isShomeiError(value) && value.code === code;
}

/**
 * Builds a typed error factory over a package's error table, so that a code cannot be misspelled
 * and its default message lives in one place.
 */
export function errorFactory<Code extends string>(table: Readonly<Record<Code, ErrorCodeInfo>>) {
  return (code: Code, message?: string, options?: ShomeiErrorOptions): ShomeiError =>
    new ShomeiError(code, message ?? table[code].message, options);
}

/** Error codes of @shomei/core. Each has a documented meaning in docs/errors.md. */
export const CORE_ERRORS = {
  DER_MALFORMED: {
    message:
      'The data is not valid DER: check that the file is a certificate, CRL or CMS object in DER or PEM form.',
    docs: 'der_malformed',
  },
  PEM_MALFORMED: {
    message: 'The PEM text is malformed: expected -----BEGIN …----- and -----END …----- around base64 data.',
    docs: 'pem_malformed',
  },
  INPUT_INVALID: { message: 'An argument is not valid.', docs: 'input_invalid' },
  ABORTED: { message: 'The operation was aborted by the caller.', docs: 'aborted' },
  TIMEOUT: { message: 'The operation did not finish in time.', docs: 'timeout' },
  // ---- cms / signer / report (CMS/CAdES signing and verification) ----
  CRYPTO_UNAVAILABLE: {
    message: 'This runtime has no WebCrypto: use Node 20+ or a modern browser on a secure (https) page.',
    docs: 'crypto_unavailable',
  },
  SIGNER_KEY_INVALID: {
    message:
      'The private key could not be used: check that it is an unencrypted PKCS#8 RSA or EC key matching the certificate.',
    docs: 'signer_key_invalid',
  },
  SIGNER_FAILED: { message: 'The signer did not produce a signature.', docs: 'signer_failed' },
  CMS_MALFORMED: {
    message:
      'The signature file is not a well-formed CMS SignedData: check that it is a .p7s/.p7m in DER or PEM form.',
    docs: 'cms_malformed',
  },
  CMS_UNSUPPORTED: {
    message: 'The CMS structure uses a feature shomei does not support.',
    docs: 'cms_unsupported',
  },
  CMS_NOT_SIGNED_DATA: {
    message: 'The CMS object is not SignedData (e.g. it is EnvelopedData or plain data).',
    docs: 'cms_not_signed_data',
  },
  CMS_NO_SIGNERS: {
    message: 'The SignedData has no SignerInfo: nothing was signed.',
    docs: 'cms_no_signers',
  },
  CMS_CONTENT_MISSING: {
    message: 'The signature is detached: pass the signed content (--content <file>).',
    docs: 'cms_content_missing',
  },
  CMS_SIGNER_CERT_MISSING: {
    message: 'The signer certificate is not in the SignedData: pass it among the intermediates.',
    docs: 'cms_signer_cert_missing',
  },
  CMS_ALGORITHM_UNSUPPORTED: {
    message: 'The signature uses an algorithm shomei does not support.',
    docs: 'cms_algorithm_unsupported',
  },
  CMS_WEAK_DIGEST: {
    message: 'The signature uses MD5 or SHA-1, which the algorithm policy rejects.',
    docs: 'cms_weak_digest',
  },
  CMS_WEAK_KEY: {
    message: 'The signer key is too short (RSA below 2048 bits), which the algorithm policy rejects.',
    docs: 'cms_weak_key',
  },
  CMS_SIGNATURE_INVALID: {
    message:
      'The signature value does not verify with the signer certificate: the signed attributes or the signature were altered, or the certificate was swapped.',
    docs: 'cms_signature_invalid',
  },
  CMS_DIGEST_MISMATCH: {
    message:
      'The content does not match the signed message digest: the content was altered or is not the file that was signed.',
    docs: 'cms_digest_mismatch',
  },
  CMS_CONTENT_TYPE_MISMATCH: {
    message: 'The signed contentType attribute does not match the encapsulated content type.',
    docs: 'cms_content_type_mismatch',
  },
  CMS_ATTRIBUTE_INVALID: {
    message: 'A signed attribute is missing, repeated or malformed.',
    docs: 'cms_attribute_invalid',
  },
  CMS_SIGNING_CERT_MISMATCH: {
    message: 'The signingCertificateV2 attribute does not name the certificate that verified the signature.',
    docs: 'cms_signing_cert_mismatch',
  },
  CMS_KEY_USAGE: {
    message: 'The signer certificate does not allow digitalSignature or nonRepudiation.',
    docs: 'cms_key_usage',
  },
  CMS_CONTENT_MISMATCH: {
    message:
      'The content given differs from the content inside the attached signature: the signature does not cover this document.',
    docs: 'cms_content_mismatch',
  },
  CMS_SIGNED_ATTRS_NOT_DER: {
    message:
      'The signed attributes are not DER encoded, as RFC 5652 §5.4 requires: the signature is refused.',
    docs: 'cms_signed_attrs_not_der',
  },
  CMS_TOO_MANY_SIGNERS: {
    message: 'The SignedData has more SignerInfos than the verifier accepts (maxSigners).',
    docs: 'cms_too_many_signers',
  },
  CMS_CHAIN_INDETERMINATE: {
    message: 'The signer certificate chain could not be fully checked (e.g. revocation status unavailable).',
    docs: 'cms_chain_indeterminate',
  },
  TSA_FAILED: {
    message: 'The timestamp authority did not return a usable timestamp.',
    docs: 'tsa_failed',
  },
  TIMESTAMP_INVALID: {
    message: 'The signature timestamp token does not verify or does not cover this signature.',
    docs: 'timestamp_invalid',
  },
  TIMESTAMP_UNTRUSTED: {
    message: 'The timestamp authority does not chain to a TSA trust anchor.',
    docs: 'timestamp_untrusted',
  },
  LTV_TIMESTAMP_REQUIRED: {
    message:
      'Augmenting to this level needs a timestamp and no timestamp source was given (options.timestamp, or --tsa on the CLI).',
    docs: 'ltv_timestamp_required',
  },
  LTV_CONTENT_REQUIRED: {
    message:
      'The signature is detached: its archive timestamp covers the content, so give the content (options.content, or --content on the CLI).',
    docs: 'ltv_content_required',
  },
  LTV_HASH_MISMATCH: {
    message: 'The TSA answered with a hash other than the one the archive timestamp index was computed with.',
    docs: 'ltv_hash_mismatch',
  },
  JPKI_AUTH_KEY_SIGNATURE: {
    message:
      'The document was signed with the JPKI user-authentication key (利用者証明用), which is for login only: a document signature needs the signing key (署名用).',
    docs: 'jpki_auth_key_signature',
  },
  JPKI_IDENTITY_MALFORMED: {
    message:
      'The certificate carries some JPKI identity fields but not all four (name, address, birth date, sex), or one is not a string.',
    docs: 'jpki_identity_malformed',
  },
  // ---- end cms ----
  // --- path / x509 / revocation -------------------------------------------------------------
  CERT_MALFORMED: {
    message:
      'The certificate is not a valid X.509 structure: check that the file is a DER or PEM certificate.',
    docs: 'cert_malformed',
  },
  PATH_NOT_FOUND: {
    message:
      'No certification path from the certificate to a trust anchor was found: supply the missing intermediate certificates.',
    docs: 'path_not_found',
  },
  PATH_NO_TRUST_ANCHOR: {
    message: 'No trust anchor was given: pass at least one trusted root certificate.',
    docs: 'path_no_trust_anchor',
  },
  PATH_BUDGET_EXCEEDED: {
    message:
      'Path building stopped because its search budget ran out: the certificate pool is too large or cyclic.',
    docs: 'path_budget_exceeded',
  },
  CERT_EXPIRED: {
    message: 'A certificate in the path has expired at the validation time.',
    docs: 'cert_expired',
  },
  CERT_NOT_YET_VALID: {
    message: 'A certificate in the path is not yet valid at the validation time.',
    docs: 'cert_not_yet_valid',
  },
  CERT_REVOKED: { message: 'A certificate in the path has been revoked.', docs: 'cert_revoked' },
  SIGNATURE_INVALID: {
    message: "A signature does not verify with the issuer's public key.",
    docs: 'signature_invalid',
  },
  SIGNATURE_ALGORITHM_UNSUPPORTED: {
    message: 'The signature algorithm or key type is not supported.',
    docs: 'signature_algorithm_unsupported',
  },
  SIGNATURE_ALGORITHM_WEAK: {
    message:
      'A certificate, CRL, OCSP or timestamp signature uses SHA-1 or MD5, which the algorithm policy refuses.',
    docs: 'signature_algorithm_weak',
  },
  NAME_CHAINING: {
    message: "A certificate's issuer name does not match the subject name of the certificate above it.",
    docs: 'name_chaining',
  },
  BASIC_CONSTRAINTS: {
    message: 'An issuing certificate is not marked as a CA (basicConstraints cA is absent or false).',
    docs: 'basic_constraints',
  },
  PATH_LENGTH_EXCEEDED: {
    message: 'The path is longer than a pathLenConstraint in it allows.',
    docs: 'path_length_exceeded',
  },
  KEY_USAGE: {
    message: "A certificate's keyUsage does not allow this use (keyCertSign or cRLSign is missing).",
    docs: 'key_usage',
  },
  UNKNOWN_CRITICAL_EXTENSION: {
    message: 'A certificate carries a critical extension this validator does not understand.',
    docs: 'unknown_critical_extension',
  },
  NAME_CONSTRAINTS: {
    message: 'A name in a certificate violates the name constraints of a CA above it.',
    docs: 'name_constraints',
  },
  POLICY_REQUIRED: {
    message: 'An explicit certificate policy is required but the path has no acceptable policy.',
    docs: 'policy_required',
  },
  POLICY_MAPPING_INVALID: {
    message: 'A policy mapping maps to or from anyPolicy, which RFC 5280 forbids.',
    docs: 'policy_mapping_invalid',
  },
  CRL_MALFORMED: { message: 'The CRL is not a valid X.509 CRL: check the file.', docs: 'crl_malformed' },
  CRL_SIGNATURE_INVALID: {
    message: "The CRL signature does not verify with the CRL issuer's key.",
    docs: 'crl_signature_invalid',
  },
  CRL_EXPIRED: { message: 'The CRL is past its nextUpdate: fetch a fresh one.', docs: 'crl_expired' },
  CRL_NOT_YET_VALID: {
    message: 'The CRL thisUpdate is after the validation time.',
    docs: 'crl_not_yet_valid',
  },
  CRL_UNKNOWN_CRITICAL_EXTENSION: {
    message: 'The CRL or one of its entries carries a critical extension this validator does not understand.',
    docs: 'crl_unknown_critical_extension',
  },
  CRL_NUMBER_MISSING: {
    message:
      'The CRL has no cRLNumber, which RFC 5280 §5.2.3 requires: it is not used as revocation evidence.',
    docs: 'crl_number_missing',
  },
  CRL_NUMBER_CRITICAL: {
    message:
      'The CRL marks cRLNumber critical, which RFC 5280 §5.2.3 forbids: it is not used as revocation evidence.',
    docs: 'crl_number_critical',
  },
  CRL_FETCH_FAILED: {
    message: 'A CRL could not be fetched from its distribution point.',
    docs: 'crl_fetch_failed',
  },
  FETCH_FAILED: {
    message: 'A URL could not be fetched: the server is unreachable or answered with an HTTP error.',
    docs: 'fetch_failed',
  },
  OCSP_MALFORMED: { message: 'The OCSP response is not a valid OCSP structure.', docs: 'ocsp_malformed' },
  OCSP_STATUS: {
    message: 'The OCSP responder returned an error status instead of a response.',
    docs: 'ocsp_status',
  },
  OCSP_SIGNATURE_INVALID: {
    message: 'The OCSP response signature does not verify.',
    docs: 'ocsp_signature_invalid',
  },
  OCSP_RESPONDER_UNAUTHORIZED: {
    message:
      'The OCSP responder is neither the CA nor a delegated responder (id-kp-OCSPSigning) issued by it.',
    docs: 'ocsp_responder_unauthorized',
  },
  OCSP_CERT_MISMATCH: {
    message: 'The OCSP response is not about the certificate that was asked for.',
    docs: 'ocsp_cert_mismatch',
  },
  OCSP_STALE: {
    message:
      'The OCSP response is outside its thisUpdate / nextUpdate window (or, without nextUpdate, older than the maximum age).',
    docs: 'ocsp_stale',
  },
  OCSP_NONCE_MISMATCH: {
    message: 'The OCSP response nonce does not match the request.',
    docs: 'ocsp_nonce_mismatch',
  },
  OCSP_FETCH_FAILED: { message: 'The OCSP responder could not be reached.', docs: 'ocsp_fetch_failed' },
  REVOCATION_UNKNOWN: {
    message: 'The revocation status of a certificate could not be determined.',
    docs: 'revocation_unknown',
  },
  // --- strict profile, trust anchors, name constraints, budgets -----------------------------------
  CERT_TIME_MALFORMED: {
    message:
      "A certificate's validity time is not in the RFC 5280 form (UTCTime or GeneralizedTime YYYYMMDDHHMMSSZ, no fractional seconds): the certificate is malformed.",
    docs: 'cert_time_malformed',
  },
  TRUST_ANCHOR_NOT_CA: {
    message:
      'The trust anchor certificate is not a CA (it needs a critical basicConstraints with cA=TRUE, and keyCertSign when keyUsage is present): trust a CA certificate, or use trustAnchorMode "name-and-key".',
    docs: 'trust_anchor_not_ca',
  },
  PATH_TOO_LONG: {
    message: 'The path has more intermediate certificates than maxIntermediates allows.',
    docs: 'path_too_long',
  },
  CERT_CA_AS_LEAF: {
    message:
      'The end-entity certificate is a CA certificate: pass allowCaLeaf when validating a CA certificate on purpose.',
    docs: 'cert_ca_as_leaf',
  },
  CERT_AKI_MISSING: {
    message: 'A certificate that is not self-signed has no authorityKeyIdentifier (RFC 5280 §4.2.1.1 MUST).',
    docs: 'cert_aki_missing',
  },
  CERT_AKI_CRITICAL: {
    message: 'A certificate marks authorityKeyIdentifier critical (RFC 5280 §4.2.1.1: MUST NOT).',
    docs: 'cert_aki_critical',
  },
  CERT_SKI_MISSING: {
    message: 'A CA certificate has no subjectKeyIdentifier (RFC 5280 §4.2.1.2 MUST).',
    docs: 'cert_ski_missing',
  },
  CERT_SKI_CRITICAL: {
    message: 'A certificate marks subjectKeyIdentifier critical (RFC 5280 §4.2.1.2: MUST NOT).',
    docs: 'cert_ski_critical',
  },
  CERT_SERIAL_INVALID: {
    message: 'A certificate serial number is zero, negative or longer than 20 octets (RFC 5280 §4.1.2.2).',
    docs: 'cert_serial_invalid',
  },
  CERT_CA_SUBJECT_EMPTY: {
    message: 'A CA certificate has an empty subject (RFC 5280 §4.1.2.6).',
    docs: 'cert_ca_subject_empty',
  },
  CERT_KEY_CERT_SIGN_NOT_CA: {
    message: 'A certificate asserts keyCertSign without basicConstraints cA=TRUE (RFC 5280 §4.2.1.3).',
    docs: 'cert_key_cert_sign_not_ca',
  },
  CERT_EKU_EMPTY: {
    message: 'A certificate has an empty extKeyUsage (RFC 5280 §4.2.1.12: at least one purpose).',
    docs: 'cert_eku_empty',
  },
  CERT_POLICY_CONSTRAINTS_NOT_CRITICAL: {
    message:
      'A certificate has a non-critical policyConstraints extension (RFC 5280 §4.2.1.11: MUST be critical).',
    docs: 'cert_policy_constraints_not_critical',
  },
  CERT_NAME_CONSTRAINTS_NOT_CA: {
    message: 'An end-entity certificate carries nameConstraints (RFC 5280 §4.2.1.10: CA certificates only).',
    docs: 'cert_name_constraints_not_ca',
  },
  CERT_AIA_CRITICAL: {
    message: 'A certificate marks authorityInfoAccess critical (RFC 5280 §4.2.2.1: MUST NOT).',
    docs: 'cert_aia_critical',
  },
  CERT_DUPLICATE_EXTENSION: {
    message: 'A certificate carries the same extension twice (RFC 5280 §4.2: MUST NOT).',
    docs: 'cert_duplicate_extension',
  },
  CERT_SAN_MALFORMED: {
    message:
      'A certificate has a malformed subjectAltName (empty, or a DNS name, mailbox, IP address or URI that is not well formed).',
    docs: 'cert_san_malformed',
  },
  NAME_CONSTRAINTS_MALFORMED: {
    message:
      'A CA certificate has malformed name constraints (a DNS constraint with a leading period or wildcard, an IP constraint without a contiguous mask, a mailbox with two @, minimum or maximum set).',
    docs: 'name_constraints_malformed',
  },
  NAME_CONSTRAINTS_UNSUPPORTED: {
    message:
      'A CA constrains a name form shomei does not process (otherName, x400Address, ediPartyName, registeredID) and the certificate has a name of that form: RFC 5280 §4.2.1.10 requires rejecting it.',
    docs: 'name_constraints_unsupported',
  },
  CERT_ISSUER_EMPTY: {
    message: 'A certificate has an empty issuer name (RFC 5280 §4.1.2.4: MUST be non-empty).',
    docs: 'cert_issuer_empty',
  },
  CERT_VALIDITY_ENCODING: {
    message:
      'A certificate encodes a validity date in the wrong time type (RFC 5280 §4.1.2.5: UTCTime through 2049, GeneralizedTime from 2050).',
    docs: 'cert_validity_encoding',
  },
  CERT_BASIC_CONSTRAINTS_NOT_CRITICAL: {
    message: 'A CA certificate has a non-critical basicConstraints (RFC 5280 §4.2.1.9: MUST be critical).',
    docs: 'cert_basic_constraints_not_critical',
  },
  CERT_PATH_LEN_NOT_CA: {
    message: 'A certificate sets pathLenConstraint without cA=TRUE and keyCertSign (RFC 5280 §4.2.1.9).',
    docs: 'cert_path_len_not_ca',
  },
  CERT_CA_KEY_USAGE_MISSING: {
    message: 'A CA certificate has no keyUsage extension (RFC 5280 §4.2.1.3: MUST be present).',
    docs: 'cert_ca_key_usage_missing',
  },
  CERT_KEY_USAGE_EMPTY: {
    message: 'A certificate has a keyUsage with no bit set (RFC 5280 §4.2.1.3: at least one).',
    docs: 'cert_key_usage_empty',
  },
  CERT_NAME_CONSTRAINTS_NOT_CRITICAL: {
    message: 'A CA certificate has a non-critical nameConstraints (RFC 5280 §4.2.1.10: MUST be critical).',
    docs: 'cert_name_constraints_not_critical',
  },
  CERT_SAN_NOT_CRITICAL: {
    message:
      'A certificate with an empty subject has no subjectAltName, or a non-critical one (RFC 5280 §4.2.1.6: MUST be critical then).',
    docs: 'cert_san_not_critical',
  },
  // --- end path / x509 / revocation ---------------------------------------------------------------
  // ---- pdf: PAdES signing and verification ----
  PDF_MALFORMED: {
    message: 'The file is not a well-formed PDF: its header, objects or structure could not be read.',
    docs: 'pdf_malformed',
  },
  PDF_XREF_MALFORMED: {
    message:
      'A cross-reference section of the PDF is malformed or points to the wrong place: the file was damaged or manipulated.',
    docs: 'pdf_xref_malformed',
  },
  PDF_LIMIT_EXCEEDED: {
    message:
      'The PDF exceeds a safety limit of the reader (nesting, object size, sections or decoded stream size).',
    docs: 'pdf_limit_exceeded',
  },
  PDF_UNSUPPORTED: {
    message: 'The PDF uses a feature shomei does not read (e.g. a stream filter other than FlateDecode).',
    docs: 'pdf_unsupported',
  },
  PDF_ENCRYPTED: {
    message: 'The PDF is encrypted; shomei signs and verifies unencrypted PDFs only.',
    docs: 'pdf_encrypted',
  },
  PDF_NOT_SIGNED: { message: 'The PDF has no signed signature field.', docs: 'pdf_not_signed' },
  PDF_SIG_DICT_INVALID: {
    message: 'A signature dictionary is missing a required entry or has one of the wrong type.',
    docs: 'pdf_sig_dict_invalid',
  },
  PDF_SUBFILTER_UNSUPPORTED: {
    message:
      'The signature uses a /SubFilter shomei does not verify (supported: adbe.pkcs7.detached, ETSI.CAdES.detached, ETSI.RFC3161).',
    docs: 'pdf_subfilter_unsupported',
  },
  PDF_BYTE_RANGE_INVALID: {
    message:
      'The signature /ByteRange is malformed: it must be four integers starting at 0 that cover the file but the /Contents value.',
    docs: 'pdf_byte_range_invalid',
  },
  PDF_BYTE_RANGE_HOLE: {
    message:
      'The gap in the /ByteRange is not exactly the /Contents value of this signature: the signed bytes were moved (signature wrapping).',
    docs: 'pdf_byte_range_hole',
  },
  PDF_REVISION_MISMATCH: {
    message:
      'The /ByteRange does not end where the revision holding this signature ends: the signature dictionary was replaced or moved.',
    docs: 'pdf_revision_mismatch',
  },
  PDF_CONTENTS_MALFORMED: {
    message: 'The signature /Contents is missing, not a hex string, or holds no CMS SignedData.',
    docs: 'pdf_contents_malformed',
  },
  PDF_SIG_IN_OBJECT_STREAM: {
    message:
      'The signature dictionary is inside an object stream, so its /Contents cannot be excluded from the signed bytes.',
    docs: 'pdf_sig_in_object_stream',
  },
  PDF_CHANGE_NOT_ALLOWED: {
    message:
      'The PDF was changed after this signature in a way its permissions do not allow (content, pages, fonts or objects replaced).',
    docs: 'pdf_change_not_allowed',
  },
  PDF_UNSIGNED_DATA: {
    message:
      'Bytes were appended after the last revision that no cross-reference section covers: the file was changed after signing.',
    docs: 'pdf_unsigned_data',
  },
  PDF_SIGNATURE_TOO_LARGE: {
    message:
      'The CMS signature does not fit the space reserved for /Contents: sign again with a larger contentsSize.',
    docs: 'pdf_signature_too_large',
  },
  PDF_CERTIFICATION_CONFLICT: {
    message: 'A certification (DocMDP) signature must be the first signature of a document.',
    docs: 'pdf_certification_conflict',
  },
  PDF_FONT_INVALID: {
    message: 'The font for the visible signature could not be read or lacks a glyph for the text.',
    docs: 'pdf_font_invalid',
  },
  // ---- end pdf ----
  // --- xml signatures --------------------------------------------------------------------------
  XML_MALFORMED: {
    message: 'The document is not well-formed XML (or not namespace-well-formed): check the file.',
    docs: 'xml_malformed',
  },
  XML_ENCODING_UNSUPPORTED: {
    message: 'The document is not UTF-8: signed XML is read in UTF-8 only.',
    docs: 'xml_encoding_unsupported',
  },
  XML_DTD_FORBIDDEN: {
    message: 'The document has a DOCTYPE or markup declaration, which signed XML must not have.',
    docs: 'xml_dtd_forbidden',
  },
  XML_ENTITY_FORBIDDEN: {
    message: 'The document refers to an entity other than the five predefined ones.',
    docs: 'xml_entity_forbidden',
  },
  XML_LIMIT_EXCEEDED: {
    message:
      'The document or signature exceeds a configured limit (depth, elements, references, transforms).',
    docs: 'xml_limit_exceeded',
  },
  XML_SIGNATURE_NOT_FOUND: {
    message: 'The document holds no ds:Signature element.',
    docs: 'xml_signature_not_found',
  },
  XML_SIGNATURE_MALFORMED: {
    message: 'The ds:Signature element does not have the structure XML Signature requires.',
    docs: 'xml_signature_malformed',
  },
  XML_ALGORITHM_UNSUPPORTED: {
    message: 'The signature names a canonicalization, digest or signature algorithm shomei does not support.',
    docs: 'xml_algorithm_unsupported',
  },
  XML_TRANSFORM_FORBIDDEN: {
    message: 'A reference uses a transform that is refused (XPath, XSLT, or an unsupported one).',
    docs: 'xml_transform_forbidden',
  },
  XML_DUPLICATE_ID: {
    message: 'Two elements carry the same ID, so a reference to it is ambiguous.',
    docs: 'xml_duplicate_id',
  },
  XML_REFERENCE_NOT_FOUND: {
    message: 'A reference points to an ID or file that does not exist.',
    docs: 'xml_reference_not_found',
  },
  XML_REFERENCE_EXTERNAL: {
    message: 'A reference points outside the document and no resolver allows it.',
    docs: 'xml_reference_external',
  },
  XML_DIGEST_MISMATCH: {
    message: 'The digest of a referenced element or file does not match: it was changed after signing.',
    docs: 'xml_digest_mismatch',
  },
  XML_SIGNATURE_INVALID: {
    message: "The SignatureValue does not verify over the canonical SignedInfo with the signer's key.",
    docs: 'xml_signature_invalid',
  },
  XML_SIGNATURE_WRAPPED: {
    message: 'The signature does not sit where the signed content says it must (signature wrapping).',
    docs: 'xml_signature_wrapped',
  },
  XML_SIGNER_CERT_MISSING: {
    message: 'The signature carries no signer certificate in KeyInfo/X509Data and none was given.',
    docs: 'xml_signer_cert_missing',
  },
  XML_SIGNING_CERT_MISMATCH: {
    message: 'The XAdES SigningCertificateV2 property does not name the certificate that verified.',
    docs: 'xml_signing_cert_mismatch',
  },
  XML_WEAK_ALGORITHM: {
    message: 'The signature uses an algorithm or key size the algorithm policy rejects (SHA-1, RSA < 2048).',
    docs: 'xml_weak_algorithm',
  },
  EGOV_APPLICATION_INVALID: {
    message:
      'The e-Gov application folder does not have the expected shape (kousei.xml, 構成情報, listed files).',
    docs: 'egov_application_invalid',
  },
  EGOV_ZIP_MALFORMED: {
    message: 'The zipped e-Gov application cannot be read as a zip.',
    docs: 'egov_zip_malformed',
  },
  EGOV_ZIP_TOO_MANY_ENTRIES: {
    message: 'The zipped e-Gov application lists more entries than allowed.',
    docs: 'egov_zip_too_many_entries',
  },
  EGOV_ZIP_TOO_LARGE: {
    message: 'The zipped e-Gov application inflates to more bytes than allowed.',
    docs: 'egov_zip_too_large',
  },
  EGOV_ZIP_UNSAFE_NAME: {
    message: "The zipped e-Gov application holds a name outside the application's folder.",
    docs: 'egov_zip_unsafe_name',
  },
  // --- end xml signatures ----------------------------------------------------------------------
  // --- login (card login from a web page) ---
  LOGIN_TOKEN_MALFORMED: {
    message:
      'The login token is not in the shomei-login format: the page must send the token exactly as the extension returned it.',
    docs: 'login_token_malformed',
  },
  LOGIN_ORIGIN_MISMATCH: {
    message: 'The login token was made for another web site: refuse it (it may have been phished).',
    docs: 'login_origin_mismatch',
  },
  LOGIN_CHALLENGE_MISMATCH: {
    message: 'The login token answers another challenge: start the login again with a fresh challenge.',
    docs: 'login_challenge_mismatch',
  },
  LOGIN_CHALLENGE_EXPIRED: {
    message: 'The login challenge expired before the token arrived: start the login again.',
    docs: 'login_challenge_expired',
  },
  LOGIN_SIGNATURE_INVALID: {
    message:
      'The login token signature does not verify with its certificate: the token was altered or forged.',
    docs: 'login_signature_invalid',
  },
  LOGIN_KEY_USAGE: {
    message: 'The login token was signed with a certificate that is not a user-authentication certificate.',
    docs: 'login_key_usage',
  },
  EXTERNAL_SIGNATURE_MISMATCH: {
    message:
      'The signature returned for a prepared signature does not verify: it was made over other data or with another key.',
    docs: 'external_signature_mismatch',
  },
  EXTERNAL_CERTIFICATE_MISMATCH: {
    message:
      'The external signer returned another certificate than the one the signature was prepared for: prepare again with the certificate of the card that signs.',
    docs: 'external_certificate_mismatch',
  },
} as const satisfies Record<string, ErrorCodeInfo>;

export type CoreErrorCode = keyof typeof CORE_ERRORS;

export const coreError = errorFactory(CORE_ERRORS);

/** Throws `ABORTED` (with the signal's reason as cause) when the signal is aborted. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) {
    throw coreError('ABORTED', undefined, { cause: signal.reason });
  }
}
