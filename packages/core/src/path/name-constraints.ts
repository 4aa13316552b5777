/**
 * Name constraints (RFC 5280 §4.2.1.10, §6.1.3 (b)–(c), §6.1.4 (g)). Instead of intersecting subtree
 * sets, every CA's constraints on the path are kept and a name must satisfy each of them: that is
 * the same set semantics and avoids computing intersections of DNS or IP ranges.
 */
import type { Certificate } from '../x509/certificate.js';
import type { NameConstraints } from '../x509/extensions.js';
import type { GeneralName } from '../x509/general-name.js';
import type { Name } from '../x509/name.js';
import { EMAIL_ADDRESS_OID } from '../x509/oids.js';

const lower = (s: string) => s.toLowerCase();

/** dNSName: `example.jp` matches itself and every subdomain; `.example.jp` only subdomains. */
function dnsMatches(name: string, base: string): boolean {
  const n = lower(name).replace(/\.$/, '');
  const b = lower(base).replace(/\.$/, '');
  if (b === '') return true;
  if (b.startsWith('.')) return n.endsWith(b);
  return n === b || n.endsWith(`.${b}`);
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

/** directoryName: the base's RDNs are a prefix of the name's (§7.1 matching per RDN). */
function dnMatches(name: Name, base: Name): boolean {
  if (base.rdnKeys.length > name.rdnKeys.length) return false;
  return base.rdnKeys.every((k, i) => name.rdnKeys[i] === k);
}

/** True/false when the name form is comparable, undefined when the forms differ. */
function matches(name: GeneralName, base: GeneralName): boolean | undefined {
  if (name.type !== base.type) return undefined;
  switch (name.type) {
    case 'dNSName':
      return dnsMatches(name.value, (base as typeof name).value);
    case 'rfc822Name':
      return emailMatches(name.value, (base as typeof name).value);
    case 'uniformResourceIdentifier':
      return uriMatches(name.value, (base as typeof name).value);
    case 'iPAddress':
      return ipMatches(name.bytes, (base as typeof name).bytes);
    case 'directoryName':
      return dnMatches(name.name, (base as typeof name).name);
    default:
      // otherName, x400Address, ediPartyName, registeredID: no matching rule we implement.
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

/** Returns a description of the first violation, or undefined when all names satisfy `nc`. */
export function checkNameConstraints(names: readonly GeneralName[], nc: NameConstraints): string | undefined {
  for (const n of names) {
    for (const ex of nc.excludedSubtrees ?? []) {
      if (matches(n, ex.base) === true) return `${describe(n)} is within an excluded subtree`;
    }
    const permitted = (nc.permittedSubtrees ?? []).filter((p) => p.base.type === n.type);
    if (permitted.length > 0 && !permitted.some((p) => matches(n, p.base) === true)) {
      return `${describe(n)} is not within any permitted ${n.type} subtree`;
    }
  }
  return undefined;
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
