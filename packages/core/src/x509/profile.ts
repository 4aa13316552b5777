/**
 * `strict` (default): the RFC 5280 profile a conforming CA MUST follow is checked on every certificate
 * of the path, and on CRLs. `lenient`: for legacy PKIs, the profile rules listed in
 * docs/path-validation-strictness.md are not checked (RFC 5280 §6.1 itself is always applied).
 * Shared by path validation and revocation checking, so it lives below both.
 */
export type ValidationProfile = 'strict' | 'lenient';
