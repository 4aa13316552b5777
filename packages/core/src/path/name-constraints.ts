/**
 * Name constraints (RFC 5280 §4.2.1.10, §6.1.3 (b)–(c), §6.1.4 (g)). Instead of intersecting subtree
 * sets, every CA's constraints on the path are kept and a name must satisfy each of them: that is
 * the same set semantics and avoids computing intersections of DNS or IP ranges. Every comparison of
 * one name with one subtree is charged to the validation's work budget.
 */
import type { Certificate } from '../x509/certificate.js';
import type { GeneralSubtree, NameConstraints } from '../x509/extensions.js';
import type { GeneralName, GeneralNameType } from '../x509/general-name.js';
import { type Name, rdnsMatch } from '../x509/name.js';
import { EMAIL_ADDRESS_OID } from '../x509/oids.js';
import type { WorkBudget } from './budget.js';
import type { PathErrorCode } from './types.js';

const lower = (s: string) => s.toLowerCase();

const DNS_LABEL = /^[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?$/i;

/** A host name (RFC 1034 §3.5 preferred syntax, underscores tolerated); `*` only as the whole first label. */
export function isDnsName(s: string, allowWildcard: boolean): boolean {
  if (s.length === 0 || s.length > 253) return false;
  const labels = s.split('.');
  return labels.every(
    (l, i) => DNS_LABEL.test(l) || (allowWildcard && i === 0 && l === '*' && labels.length > 1),
  );
}

/** An RFC 5280 §4.2.1.6 rfc822Name: exactly one `@`, a non-empty local part and a host name. */
export function isMailbox(s: string): boolean {
  const parts = s.split('@');
  return parts.length === 2 && parts[0]!.length > 0 && isDnsName(parts[1]!, false);
}

/** Why a SAN entry is malformed (RFC 5280 §4.2.1.6), or undefined when it is well formed. */
export function generalNameProblem(g: GeneralName): string | undefined {
  switch (g.type) {
    case 'dNSName':
      return isDnsName(g.value, true) ? undefined : `dNSName "${g.value}" is not a host name`;
    case 'rfc822Name':
      return isMailbox(g.value) ? undefined : `rfc822Name "${g.value}" is not a mailbox`;
    case 'iPAddress':
      return g.bytes.length === 4 || g.bytes.length === 16
        ? undefined
        : `iPAddress of ${g.bytes.length} octets (4 or 16 expected)`;
    case 'uniformResourceIdentifier':
      return /^[a-z][a-z0-9+.-]*:[^\s]+$/i.test(g.value) ? undefined : `URI "${g.value}" has no scheme`;
    default:
      return undefined;
  }
}

/** A contiguous mask: ones, then zeros. */
function contiguousMask(mask: Uint8Array): boolean {
  let zero = false;
  for (const b of mask) {
    for (let bit = 7; bit >= 0; bit--) {
      const one = (b >> bit) & 1;
      if (one && zero) return false;
      if (!one) zero = true;
    }
  }
  return true;
}

/** Why a subtree is malformed (RFC 5280 §4.2.1.10), or undefined when it is well formed. */
function subtreeProblem(st: GeneralSubtree): string | undefined {
  if (st.minimum !== 0 || st.maximum !== undefined)
    return 'a subtree has minimum ≠ 0 or a maximum (RFC 5280 §4.2.1.10: minimum MUST be zero, maximum absent)';
  const b = st.base;
  switch (b.type) {
    case 'dNSName':
      // A DNS constraint names a host and all below it; a leading period or a wildcard has no meaning.
      if (b.value === '') return undefined;
      return isDnsName(b.value, false) ? undefined : `dNSName constraint "${b.value}" is not a host name`;
    case 'rfc822Name': {
      const v = b.value;
      if (v.includes('@')) return isMailbox(v) ? undefined : `rfc822Name constraint "${v}" is not a mailbox`;
      const host = v.startsWith('.') ? v.slice(1) : v;
      return isDnsName(host, false) ? undefined : `rfc822Name constraint "${v}" is not a host or domain`;
    }
    case 'uniformResourceIdentifier': {
      const host = b.value.startsWith('.') ? b.value.slice(1) : b.value;
      return isDnsName(host, false) ? undefined : `URI constraint "${b.value}" is not a host or domain`;
    }
    case 'iPAddress':
      if (b.bytes.length !== 8 && b.bytes.length !== 32)
        return `iPAddress constraint of ${b.bytes.length} octets (address and mask: 8 or 32 expected)`;
      return contiguousMask(b.bytes.subarray(b.bytes.length / 2))
        ? undefined
        : 'iPAddress constraint mask is not contiguous';
    default:
      return undefined;
  }
}

/** The first malformed subtree of a nameConstraints extension, described; undefined when all are well formed. */
export function nameConstraintsProblem(nc: NameConstraints): string | undefined {
  if (!nc.permittedSubtrees && !nc.excludedSubtrees)
    return 'nameConstraints has neither permittedSubtrees nor excludedSubtrees (RFC 5280 §4.2.1.10)';
  for (const st of [...(nc.permittedSubtrees ?? []), ...(nc.excludedSubtrees ?? [])]) {
    const p = subtreeProblem(st);
    if (p) return p;
  }
  return undefined;
}

/** dNSName: `example.jp` matches itself and every subdomain; the empty base matches every name. */
function dnsMatches(name: string, base: string): boolean {
  const n = lower(name);
  const b = lower(base);
  if (b === '') return true;
  return n === b || n.endsWith(`.${b}`);
}

/**
 * Whether a wildcard name (`*.example.jp`) could stand for a name in the subtree `base`: either the
 * subtree contains the whole wildcard domain, or one of the names the wildcard matches is the base
 * (RFC 9525 §6.3: the wildcard matches exactly one label). An excluded subtree must refuse such a name.
 */
function wildcardMayMatch(name: string, base: string): boolean {
  if (dnsMatches(name, base)) return true;
  const suffix = lower(name.slice(2));
  const b = lower(base);
  const dot = b.indexOf('.');
  return dot > 0 && b.slice(dot + 1) === suffix;
}

/** rfc822Name: a mailbox, a host (all mailboxes there) or `.domain` (any host in the domain). */
function emailMatches(name: string, base: string): boolean {
  const at = name.lastIndexOf('@');
  if (at < 0) return false;
  const host = lower(name.slice(at + 1));
  if (base.includes('@')) {
    const bat = base.lastIndexOf('@');
    return name.slice(0, at) === base.slice(0, bat) && host === lower(base.slice(bat + 1));
  }
  const b = lower(base);
  if (b.startsWith('.')) return host.endsWith(b);
  return host === b;
}

/** URI: the host of the authority; `.domain` matches hosts within it, a host only itself. */
function uriMatches(uri: string, base: string): boolean {
  const m = /^[a-z][a-z0-9+.-]*:\/\/(?:[^@/?#]*@)?(\[[^\]]*\]|[^:/?#]*)/i.exec(uri);
  if (!m?.[1]) return false;
  const host = lower(m[1]);
  const b = lower(base);
  if (b.startsWith('.')) return host.endsWith(b);
  return host === b;
}

/** iPAddress: base is address‖mask (8 or 32 octets); the name is an address (4 or 16 octets). */
function ipMatches(addr: Uint8Array, base: Uint8Array): boolean {
  if (base.length !== addr.length * 2) return false;
  for (let i = 0; i < addr.length; i++) {
    const mask = base[addr.length + i]!;
    if ((addr[i]! & mask) !== (base[i]! & mask)) return false;
  }
  return true;
}

/** directoryName: the base's RDNs are a prefix of the name's (RFC 5280 §7.1 matching per RDN). */
function dnMatches(name: Name, base: Name): boolean {
  if (base.rdns.length > name.rdns.length) return false;
  return base.rdns.every((rdn, i) => rdnsMatch(name.rdns[i]!, rdn));
}

/** Name forms whose constraints shomei applies; any other form under a constraint refuses the chain. */
const PROCESSED: ReadonlySet<GeneralNameType> = new Set([
  'dNSName',
  'rfc822Name',
  'uniformResourceIdentifier',
  'iPAddress',
  'directoryName',
]);

/** Whether `name` lies within `base` (both of the same, processed form). */
function within(name: GeneralName, base: GeneralName, excluded: boolean): boolean {
  switch (name.type) {
    case 'dNSName': {
      const b = (base as typeof name).value;
      return excluded && name.value.startsWith('*.')
        ? wildcardMayMatch(name.value, b)
        : dnsMatches(name.value, b);
    }
    case 'rfc822Name':
      return emailMatches(name.value, (base as typeof name).value);
    case 'uniformResourceIdentifier':
      return uriMatches(name.value, (base as typeof name).value);
    case 'iPAddress':
      return ipMatches(name.bytes, (base as typeof name).bytes);
    case 'directoryName':
      return dnMatches(name.name, (base as typeof name).name);
    default:
      return false;
  }
}

/** The names of a certificate that name constraints apply to (§6.1.3 (b)–(c)). */
export function constrainedNames(cert: Certificate): GeneralName[] {
  const out: GeneralName[] = [];
  if (cert.subject.rdns.length > 0) out.push({ type: 'directoryName', name: cert.subject });
  // §4.2.1.10: email addresses in the subject DN (emailAddress attribute) are constrained as rfc822Name.
  for (const rdn of cert.subject.rdns)
    for (const a of rdn) if (a.oid === EMAIL_ADDRESS_OID) out.push({ type: 'rfc822Name', value: a.value });
  for (const g of cert.subjectAltName ?? []) out.push(g);
  return out;
}

export interface NameConstraintViolation {
  readonly code: PathErrorCode;
  readonly detail: string;
}

/** Returns the first violation of `nc` by `names`, or undefined when all names satisfy it. */
export function checkNameConstraints(
  names: readonly GeneralName[],
  nc: NameConstraints,
  budget: WorkBudget,
): NameConstraintViolation | undefined {
  const permittedByType = byType(nc.permittedSubtrees);
  const excludedByType = byType(nc.excludedSubtrees);
  for (const n of names) {
    const excluded = excludedByType.get(n.type) ?? [];
    const permitted = permittedByType.get(n.type) ?? [];
    if (excluded.length === 0 && permitted.length === 0) continue;
    if (!PROCESSED.has(n.type))
      return {
        code: 'NAME_CONSTRAINTS_UNSUPPORTED',
        detail: `the certificate has a ${n.type} name and a CA constrains ${n.type} names, a form shomei does not process (RFC 5280 §4.2.1.10: reject)`,
      };
    const problem = generalNameProblem(n);
    if (problem)
      return {
        code: 'NAME_CONSTRAINTS',
        detail: `${problem}, so it cannot be checked against the name constraints`,
      };
    if (!budget.spend('nameComparisons', excluded.length + permitted.length))
      return { code: 'PATH_BUDGET_EXCEEDED', detail: budget.describe('nameComparisons') };
    if (excluded.some((s) => within(n, s.base, true)))
      return { code: 'NAME_CONSTRAINTS', detail: `${describe(n)} is within an excluded subtree` };
    if (permitted.length > 0 && !permitted.some((s) => within(n, s.base, false)))
      return {
        code: 'NAME_CONSTRAINTS',
        detail: `${describe(n)} is not within any permitted ${n.type} subtree`,
      };
  }
  return undefined;
}

function byType(subtrees: readonly GeneralSubtree[] | undefined): Map<GeneralNameType, GeneralSubtree[]> {
  const m = new Map<GeneralNameType, GeneralSubtree[]>();
  for (const s of subtrees ?? []) {
    const list = m.get(s.base.type);
    if (list) list.push(s);
    else m.set(s.base.type, [s]);
  }
  return m;
}

function describe(n: GeneralName): string {
  switch (n.type) {
    case 'dNSName':
    case 'rfc822Name':
    case 'uniformResourceIdentifier':
      return `${n.type} "${n.value}"`;
    case 'directoryName':
      return `directoryName "${n.name.text}"`;
    case 'iPAddress':
      return `iPAddress ${Array.from(n.bytes).join('.')}`;
    default:
      return n.type;
  }
}
