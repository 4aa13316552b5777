/** Object identifiers of the long-term levels (ETSI EN 319 122-1, RFC 5126, RFC 5940, RFC 6960). */
export const LTV_OID = {
  /** ETSI EN 319 122-1 §5.5.3: archive-time-stamp-v3 (id-aa-ets-archiveTimestampV3). */
  archiveTimestampV3: '0.4.0.1733.2.4',
  /** ETSI EN 319 122-1 §5.5.2: ats-hash-index-v3, an unsigned attribute of the archive timestamp token. */
  atsHashIndexV3: '0.4.0.19122.1.5',
  /** RFC 5126 §6.3.3: certificate-values. */
  certificateValues: '1.2.840.113549.1.9.16.2.23',
  /** RFC 5126 §6.3.4: revocation-values. */
  revocationValues: '1.2.840.113549.1.9.16.2.24',
  /** RFC 5940 §2.2.1: an OCSPResponse carried as an OtherRevocationInfoFormat in SignedData.crls. */
  riOcspResponse: '1.3.6.1.5.5.7.16.2',
  /** RFC 6960 §4.2.1: id-pkix-ocsp-basic. */
  ocspBasic: '1.3.6.1.5.5.7.48.1.1',
} as const;
