/**
 * Object identifiers of the JPKI certificate profile (spec/jpki-card.md §11). Arc 1.2.392.200149 is
 * J-LIS. Kept as data so that the profile checks and the test authority share one table.
 */

/** SAN otherName type-ids carrying the holder's basic facts in the signing certificate. */
export const JPKI_SAN_OID = {
  /** 氏名 — name */
  name: '1.2.392.200149.8.5.5.1',
  /** 氏名代替文字 — substitute characters of the name */
  nameSubstitute: '1.2.392.200149.8.5.5.2',
  /** 性別 — sex */
  sex: '1.2.392.200149.8.5.5.3',
  /** 生年月日 — date of birth */
  birthDate: '1.2.392.200149.8.5.5.4',
  /** 住所 — address */
  address: '1.2.392.200149.8.5.5.5',
  /** 住所代替文字 — substitute characters of the address */
  addressSubstitute: '1.2.392.200149.8.5.5.6',
} as const;

export type JpkiSanField = keyof typeof JPKI_SAN_OID;

/** Certificate policies (spec §11). The test environment reportedly uses …8.5.1.0.20 [U]. */
export const JPKI_POLICY_OID = {
  /** Digital signature (署名用, class 20). */
  sign: '1.2.392.200149.8.5.1.1.20',
  /** User authentication (利用者証明用, class 30). */
  auth: '1.2.392.200149.8.5.1.3.30',
} as const;

/** The J-LIS arc, for recognising JPKI-profile certificates. */
export const JPKI_ARC = '1.2.392.200149';
